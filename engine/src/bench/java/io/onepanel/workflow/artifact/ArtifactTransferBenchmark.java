package io.onepanel.workflow.artifact;

import io.onepanel.workflow.artifact.s3.S3ArtifactStore;
import io.onepanel.workflow.artifact.files.StagedTarget;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.S3Source;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.transfer.s3.S3TransferManager;

/**
 * Artifact transfer benchmark (a main-class harness, not JMH: each case is one long transfer).
 * Starts stock S3Proxy (filesystem store) in its own process on 127.0.0.1, then for (a) one 1 GiB file and (b)
 * 10,000 files of 10 KiB, up and down, times: our {@link S3ArtifactStore}; the SDK used naively
 * (sync client, one PutObject/GetObject at a time); the transfer manager's own uploadFile /
 * downloadFile (a) and uploadDirectory / downloadDirectory (b). Peak heap (all heap pools) is
 * reported for our store in (a). Run it with a small heap (-Xmx256m) to prove bounded memory.
 *
 * <pre>
 * mvn -q -pl engine -Pbench package -DskipTests
 * java -Xmx256m -cp engine/target/benchmarks.jar io.onepanel.workflow.artifact.ArtifactTransferBenchmark [workdir]
 * </pre>
 */
public final class ArtifactTransferBenchmark {

    private static final String ACCESS = "BENCHACCESSKEY";
    private static final String SECRET = "bench-secret-key";
    private static final long GiB = 1L << 30;

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory(args.length > 0 ? Path.of(args[0]) : Path.of(System.getProperty("java.io.tmpdir")),
                "artifact-bench-");
        Path jar = Path.of(System.getProperty("onepanel.s3proxy.jar", "engine/target/s3proxy/s3proxy.jar"));
        try (BenchS3Server server = BenchS3Server.start(jar, work.resolve("s3proxy-data"), ACCESS, SECRET)) {
            serverProcess = server.process().toHandle();
            run(server.endpoint(), work);
        } finally {
            StagedTarget.deleteTree(work);
        }
    }

    private static void run(URI endpoint, Path work) throws Exception {
        ArtifactRepository repository = ArtifactRepository.onepanel("bench")
                .withEndpoint(endpoint.toString(), true)
                .withCredentials(new S3Credentials.StaticKeys(ACCESS, SECRET))
                .withTransfers(TransferSettings.DEFAULT.withFlexibleChecksums(false));
        S3Client sync = S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED).build();
        S3AsyncClient async = S3AsyncClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED).multipartEnabled(true).build();
        S3TransferManager tm = S3TransferManager.builder().s3Client(async).build();
        sync.createBucket(b -> b.bucket("bench"));
        System.out.printf(Locale.ROOT, "java %s, %d cores, max heap %d MiB, S3Proxy (transient) at %s%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, endpoint);

        try (S3ArtifactStore ours = new S3ArtifactStore(repository, CredentialsResolver.NONE)) {
            // warm-up: every path once on 64 MiB, so no case pays for JIT or server start-up
            Path warm = work.resolve("warm.bin");
            writeRandom(warm, 64L << 20);
            ours.store(artifact("warm", "w/ours"), warm, TransferListener.NONE);
            ours.fetch(artifact("warm", "w/ours"), work.resolve("warm.ours"), TransferListener.NONE);
            sync.putObject(p -> p.bucket("bench").key("w/naive"), RequestBody.fromFile(warm));
            sync.getObject(g -> g.bucket("bench").key("w/naive"), ResponseTransformer.toFile(work.resolve("warm.naive")));
            tm.uploadFile(u -> u.source(warm).putObjectRequest(p -> p.bucket("bench").key("w/tm"))).completionFuture().join();
            tm.downloadFile(d -> d.destination(work.resolve("warm.tm")).getObjectRequest(g -> g.bucket("bench").key("w/tm")))
                    .completionFuture().join();
            for (String k : List.of("w/ours", "w/naive", "w/tm")) {
                sync.deleteObject(d -> d.bucket("bench").key(k));
            }
            // ... and the many-small-files paths once on 1,000 files, so (b) does not time the JIT of
            // either side's small-request path (the first case to run used to pay for it alone)
            Path warmMany = work.resolve("warm-many");
            byte[] small = new byte[10 * 1024];
            for (int i = 0; i < 1000; i++) {
                Path f = warmMany.resolve("d" + (i % 10)).resolve("f" + i + ".bin");
                Files.createDirectories(f.getParent());
                Files.write(f, small);
            }
            ours.store(artifact("wm", "wm/ours"), warmMany, TransferListener.NONE);
            ours.fetch(artifact("wm", "wm/ours"), work.resolve("warm-many.ours"), TransferListener.NONE);
            List<Path> warmFiles;
            try (Stream<Path> walk = Files.walk(warmMany)) {
                warmFiles = walk.filter(Files::isRegularFile).toList();
            }
            for (Path f : warmFiles) {
                String key = "wm/naive/" + warmMany.relativize(f);
                sync.putObject(p -> p.bucket("bench").key(key), RequestBody.fromFile(f));
                Path dest = work.resolve("warm-many.naive").resolve(warmMany.relativize(f).toString());
                Files.createDirectories(dest.getParent());
                sync.getObject(g -> g.bucket("bench").key(key), ResponseTransformer.toFile(dest));
            }
            tm.uploadDirectory(u -> u.source(warmMany).bucket("bench").s3Prefix("wm/tm")).completionFuture().join();
            tm.downloadDirectory(d -> d.destination(work.resolve("warm-many.tm")).bucket("bench")
                    .listObjectsV2RequestTransformer(l -> l.prefix("wm/tm/"))).completionFuture().join();

            // (a) one 1 GiB file
            Path big = work.resolve("big.bin");
            writeRandom(big, GiB);
            System.out.println("(a) one 1 GiB file");
            resetPeaks();
            Mark t = mark();
            ours.store(artifact("big", "a/ours/big.bin"), big, TransferListener.NONE);
            report("ours up", t, GiB, 1);
            long upPeak = peakHeap();
            resetPeaks();
            t = mark();
            ours.fetch(artifact("big", "a/ours/big.bin"), work.resolve("big.ours"), TransferListener.NONE);
            report("ours down", t, GiB, 1);
            long downPeak = peakHeap();
            check(big, work.resolve("big.ours"));
            sync.deleteObject(d -> d.bucket("bench").key("a/ours/big.bin"));
            Files.delete(work.resolve("big.ours"));
            System.out.printf(Locale.ROOT, "  ours peak heap: up %d MiB, down %d MiB%n", upPeak >> 20, downPeak >> 20);

            t = mark();
            sync.putObject(p -> p.bucket("bench").key("a/naive/big.bin"), RequestBody.fromFile(big));
            report("naive SDK up", t, GiB, 1);
            t = mark();
            sync.getObject(g -> g.bucket("bench").key("a/naive/big.bin"), ResponseTransformer.toFile(work.resolve("big.naive")));
            report("naive SDK down", t, GiB, 1);
            check(big, work.resolve("big.naive"));
            sync.deleteObject(d -> d.bucket("bench").key("a/naive/big.bin"));
            Files.delete(work.resolve("big.naive"));

            t = mark();
            tm.uploadFile(u -> u.source(big).putObjectRequest(p -> p.bucket("bench").key("a/tm/big.bin")))
                    .completionFuture().join();
            report("transfer manager up", t, GiB, 1);
            t = mark();
            tm.downloadFile(d -> d.destination(work.resolve("big.tm")).getObjectRequest(g -> g.bucket("bench")
                    .key("a/tm/big.bin"))).completionFuture().join();
            report("transfer manager down", t, GiB, 1);
            check(big, work.resolve("big.tm"));
            for (String f : List.of("big.bin", "big.tm")) {
                Files.deleteIfExists(work.resolve(f));
            }
            for (String k : List.of("a/tm/big.bin")) {
                sync.deleteObject(d -> d.bucket("bench").key(k));
            }

            // (b) 10,000 files of 10 KiB
            Path many = work.resolve("many");
            int count = 10_000;
            int size = 10 * 1024;
            Random random = new Random(1);
            byte[] data = new byte[size];
            for (int i = 0; i < count; i++) {
                random.nextBytes(data);
                Path f = many.resolve("d" + (i % 100)).resolve("f" + i + ".bin");
                Files.createDirectories(f.getParent());
                Files.write(f, data);
            }
            long bytes = (long) count * size;
            System.out.println("(b) 10,000 files of 10 KiB");
            t = mark();
            ours.store(artifact("many", "b/ours"), many, TransferListener.NONE);
            report("ours up", t, bytes, count);
            t = mark();
            ours.fetch(artifact("many", "b/ours"), work.resolve("many.ours"), TransferListener.NONE);
            report("ours down", t, bytes, count);
            checkTree(many, work.resolve("many.ours"));

            t = mark();
            List<Path> files;
            try (Stream<Path> walk = Files.walk(many)) {
                files = walk.filter(Files::isRegularFile).toList();
            }
            for (Path f : files) {
                String key = "b/naive/" + many.relativize(f).toString();
                sync.putObject(p -> p.bucket("bench").key(key), RequestBody.fromFile(f));
            }
            report("naive SDK up", t, bytes, count);
            t = mark();
            List<S3Object> listed = new ArrayList<>();
            sync.listObjectsV2Paginator(l -> l.bucket("bench").prefix("b/naive/")).contents().forEach(listed::add);
            for (S3Object o : listed) {
                Path dest = work.resolve("many.naive").resolve(o.key().substring("b/naive/".length()));
                Files.createDirectories(dest.getParent());
                sync.getObject(g -> g.bucket("bench").key(o.key()), ResponseTransformer.toFile(dest));
            }
            report("naive SDK down", t, bytes, count);
            checkTree(many, work.resolve("many.naive"));

            t = mark();
            var upload = tm.uploadDirectory(u -> u.source(many).bucket("bench").s3Prefix("b/tm")).completionFuture().join();
            report("transfer manager uploadDirectory", t, bytes, count);
            if (!upload.failedTransfers().isEmpty()) {
                System.out.println("  failed: " + upload.failedTransfers().size());
            }
            t = mark();
            var download = tm.downloadDirectory(d -> d.destination(work.resolve("many.tm")).bucket("bench")
                    .listObjectsV2RequestTransformer(l -> l.prefix("b/tm/"))).completionFuture().join();
            report("transfer manager downloadDirectory", t, bytes, count);
            if (!download.failedTransfers().isEmpty()) {
                System.out.println("  failed: " + download.failedTransfers().size());
            }

            // ours once more, last, to show how much of the gap is the order of the cases
            t = mark();
            ours.store(artifact("many", "b/ours2"), many, TransferListener.NONE);
            report("ours up (again, run last)", t, bytes, count);
            t = mark();
            ours.fetch(artifact("many", "b/ours2"), work.resolve("many.ours2"), TransferListener.NONE);
            report("ours down (again, run last)", t, bytes, count);
            checkTree(many, work.resolve("many.ours2"));
        } finally {
            tm.close();
            async.close();
            sync.close();
        }
    }

    private static Artifact artifact(String name, String key) {
        return new Artifact(name, "/" + name, null, null, null, false, null, null, null, S3Source.key(key), null, null,
                null, null);
    }

    private static void writeRandom(Path file, long size) throws Exception {
        byte[] block = new byte[8 << 20];
        new Random(42).nextBytes(block);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += block.length) {
                block[0]++;
                out.write(block, 0, (int) Math.min(block.length, size - written));
            }
        }
    }

    private static ProcessHandle serverProcess;

    /** Wall clock and the CPU time used so far by this JVM (client) and by the S3Proxy JVM (server). */
    private record Mark(long nanos, long clientCpu, long serverCpu) {}

    /**
     * Collects garbage on both sides first, so a case does not pay for the garbage of the one
     * before it (the server holds every object in its heap; a 1 GiB object leaves gigabytes behind).
     */
    private static Mark mark() throws Exception {
        if (serverProcess != null) {
            new ProcessBuilder("jcmd", Long.toString(serverProcess.pid()), "GC.run")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor();
        }
        System.gc();
        return new Mark(System.nanoTime(), clientCpu(), serverCpu());
    }

    private static long clientCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long serverCpu() {
        return serverProcess == null ? 0
                : serverProcess.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /** Throughput, then the CPU seconds each side burnt (2 cores = at most 2 CPU s per wall second in all). */
    private static void report(String what, Mark start, long bytes, int files) {
        double seconds = (System.nanoTime() - start.nanos()) / 1e9;
        double client = (clientCpu() - start.clientCpu()) / 1e9;
        double server = (serverCpu() - start.serverCpu()) / 1e9;
        System.out.printf(Locale.ROOT, "  %-36s %8.2f s  %8.1f MiB/s  %8.0f files/s   cpu: client %6.2f s, server %6.2f s%n",
                what, seconds, bytes / seconds / (1 << 20), files / seconds, client, server);
    }

    private static void check(Path expected, Path actual) throws Exception {
        if (Files.mismatch(expected, actual) != -1L) {
            throw new IllegalStateException(actual + " differs from " + expected);
        }
    }

    private static void checkTree(Path expected, Path actual) throws Exception {
        try (Stream<Path> walk = Files.walk(expected)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                check(f, actual.resolve(expected.relativize(f).toString()));
            }
        }
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
