package io.onepanel.workflow.artifact;

import io.onepanel.workflow.artifact.files.StagedTarget;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Whole-process S3 transfers, ours against aws-cli and rclone, on one stock S3Proxy (its own
 * process, so its CPU is counted apart). Each transfer is a fresh process, start-up and exit
 * included, timed by {@code /usr/bin/time}: one 128 MiB file and 1,000 files of 10 KiB, up and down,
 * runs interleaved (ours, aws, rclone, ours, ...), medians printed with the ratios.
 *
 * <p>Ours is {@code java -cp engine/target/onepanel-workflow.jar ...ArtifactCopy}, the store the
 * command line and a pod's stager use; it prints "transferred" when done, so its exit lag (the time
 * from the end of the transfer to the end of the process) is measured too. aws-cli is "tuned" (64
 * concurrent requests, 8 MiB parts); rclone gets 32 transfers, 8 MiB chunks, upload concurrency 8.
 * "ours-c1" is the same process with {@code -XX:TieredStopAtLevel=1 -XX:+UseSerialGC}, the JVM
 * flags a launcher could give a short transfer process.
 *
 * <pre>
 * apt-get install -y awscli rclone time
 * mvn -f engine/pom.xml package -DskipTests && cp engine/target/onepanel-workflow.jar /tmp/
 * mvn -f engine/pom.xml -Pbench package -DskipTests
 * java -Donepanel.cli.jar=/tmp/onepanel-workflow.jar -cp engine/target/benchmarks.jar \
 *     io.onepanel.workflow.artifact.S3ProcessBenchmark [rounds] [workdir]
 * </pre>
 * (The bench profile's own onepanel-workflow.jar also holds JMH and the mock servers: the CLI jar
 * users run is the one built without it.)
 */
public final class S3ProcessBenchmark {

    private static final String ACCESS = "BENCHACCESSKEY";
    private static final String SECRET = "bench-secret-key";
    private static final long LARGE = 128L << 20;
    private static final int SMALL_FILES = 1000;
    private static final int SMALL_SIZE = 10 * 1024;

    record Sample(double wallSeconds, double cpuSeconds, long rssKiB, double exitLagMillis, double serverCpuSeconds) {}

    private final Path work;
    private final Path cliJar;
    private final BenchS3Server server;
    private final Map<String, String> env;

    private S3ProcessBenchmark(Path work, Path cliJar, BenchS3Server server) throws IOException {
        this.work = work;
        this.cliJar = cliJar;
        this.server = server;
        Path awsConfig = work.resolve("aws-config");
        Files.writeString(awsConfig, """
                [default]
                region = us-east-1
                s3 =
                  max_concurrent_requests = 64
                  multipart_threshold = 8MB
                  multipart_chunksize = 8MB
                """);
        env = new LinkedHashMap<>();
        env.put("AWS_ACCESS_KEY_ID", ACCESS);
        env.put("AWS_SECRET_ACCESS_KEY", SECRET);
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_CONFIG_FILE", awsConfig.toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", work.resolve("no-credentials").toString());
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("ONEPANEL_S3_BUCKET", "bench");
        env.put("ONEPANEL_S3_ENDPOINT", server.endpoint().toString());
        env.put("RCLONE_CONFIG_BENCH_TYPE", "s3");
        env.put("RCLONE_CONFIG_BENCH_PROVIDER", "Other");
        env.put("RCLONE_CONFIG_BENCH_ENDPOINT", server.endpoint().toString());
        env.put("RCLONE_CONFIG_BENCH_ACCESS_KEY_ID", ACCESS);
        env.put("RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY", SECRET);
        env.put("RCLONE_CONFIG_BENCH_REGION", "us-east-1");
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path base = args.length > 1 ? Path.of(args[1]) : Path.of(System.getProperty("java.io.tmpdir"));
        Path target = Path.of(System.getProperty("onepanel.target", "engine/target"));
        Path work = Files.createTempDirectory(base, "s3-process-bench-");
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        try (BenchS3Server server = BenchS3Server.start(target.resolve("s3proxy/s3proxy.jar"),
                work.resolve("s3-data"), ACCESS, SECRET)) {
            Path cli = Path.of(System.getProperty("onepanel.cli.jar", target.resolve("onepanel-workflow.jar").toString()));
            new S3ProcessBenchmark(work, cli, server).run(rounds, loadBefore);
        } finally {
            StagedTarget.deleteTree(work);
        }
    }

    private void run(int rounds, String loadBefore) throws Exception {
        Path large = work.resolve("data/large.bin");
        Path small = work.resolve("data/small");
        writeData(large, small);
        List<String> tools = new ArrayList<>(List.of("ours", "ours-c1", "aws"));
        if (Files.isExecutable(Path.of("/usr/bin/rclone"))) {
            tools.add("rclone");
        }
        // the bucket and the objects every download reads
        sample(List.of("/usr/bin/aws", "--endpoint-url", server.endpoint().toString(), "s3", "mb", "s3://bench"), null);
        sample(aws("cp", large.toString(), "s3://bench/seed/large.bin"), null);
        sample(aws("cp", "--recursive", small.toString(), "s3://bench/seed/small/"), null);

        List<String> cases = List.of("128 MiB up", "128 MiB down", "1,000 x 10 KiB up", "1,000 x 10 KiB down");
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
            for (String c : cases) {
                for (String tool : tools) {
                    Path into = work.resolve("down/" + tool + "-" + r);
                    List<String> command = command(tool, c, r, large, small, into);
                    samples.computeIfAbsent(c + "|" + tool, k -> new ArrayList<>())
                            .add(sample(command, tool.startsWith("ours") ? "transferred" : null));
                    if (c.endsWith("down")) {
                        check(c.startsWith("128") ? into.resolve("large.bin") : into.resolve("small"), c);
                        StagedTarget.deleteTree(work.resolve("down"));
                    }
                }
            }
        }
        print(cases, tools, samples, rounds, loadBefore);
    }

    private List<String> command(String tool, String c, int round, Path large, Path small, Path into) {
        boolean up = c.endsWith("up");
        boolean big = c.startsWith("128");
        String upKey = "up/" + tool + "-" + round + (big ? "/large.bin" : "/small");
        String seedKey = big ? "seed/large.bin" : "seed/small";
        Path local = big ? (up ? large : into.resolve("large.bin")) : (up ? small : into.resolve("small"));
        return switch (tool) {
            case "ours", "ours-c1" -> {
                List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString()));
                if (tool.equals("ours-c1")) {
                    // a short-lived transfer process: C1 only, the serial collector
                    java.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
                }
                java.addAll(List.of("-cp", cliJar.toString(), "io.onepanel.workflow.artifact.s3.ArtifactCopy",
                        up ? "put" : "get", up ? local.toString() : seedKey, up ? upKey : local.toString()));
                yield java;
            }
            case "aws" -> big
                    ? aws("cp", up ? local.toString() : "s3://bench/" + seedKey, up ? "s3://bench/" + upKey : local.toString())
                    : aws("cp", "--recursive", up ? local.toString() : "s3://bench/" + seedKey + "/",
                            up ? "s3://bench/" + upKey + "/" : local.toString());
            default -> {
                List<String> rclone = new ArrayList<>(List.of("/usr/bin/rclone", big ? "copyto" : "copy",
                        up ? local.toString() : "bench:bench/" + seedKey, up ? "bench:bench/" + upKey : local.toString(),
                        "--transfers", "32", "--checkers", "32", "--s3-chunk-size", "8M", "--s3-upload-concurrency", "8",
                        "--s3-no-check-bucket", "--no-check-dest"));
                yield rclone;
            }
        };
    }

    private List<String> aws(String... args) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/aws", "--endpoint-url", server.endpoint().toString(),
                "--only-show-errors", "s3"));
        command.addAll(List.of(args));
        return command;
    }

    /** Runs one process under /usr/bin/time; {@code doneMarker} is the stdout line that ends its transfer. */
    private Sample sample(List<String> command, String doneMarker) throws Exception {
        List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-f", "TIME %e %U %S %M"));
        timed.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(timed).redirectErrorStream(false);
        builder.environment().putAll(env);
        builder.environment().remove("AWS_CA_BUNDLE"); // plain http; rclone's SDK cannot load a bundle anyway
        Path errors = work.resolve("process.err");
        builder.redirectError(errors.toFile());
        long serverBefore = server.cpuNanos();
        long start = System.nanoTime();
        Process process = builder.start();
        long done = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.equals(doneMarker)) {
                    done = System.nanoTime();
                }
            }
        }
        int status = process.waitFor();
        long end = System.nanoTime();
        List<String> err = Files.readAllLines(errors);
        if (status != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + status + "): "
                    + String.join("\n", err));
        }
        String[] time = err.stream().filter(l -> l.startsWith("TIME ")).reduce((a, b) -> b).orElseThrow().split(" ");
        return new Sample((end - start) / 1e9, Double.parseDouble(time[2]) + Double.parseDouble(time[3]),
                Long.parseLong(time[4]), done < 0 ? Double.NaN : (end - done) / 1e6,
                (server.cpuNanos() - serverBefore) / 1e9);
    }

    private static void writeData(Path large, Path small) throws IOException {
        Files.createDirectories(large.getParent());
        Random random = new Random(42);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(large)) {
            for (long left = LARGE; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }
        byte[] file = new byte[SMALL_SIZE];
        for (int i = 0; i < SMALL_FILES; i++) {
            random.nextBytes(file);
            Path p = small.resolve("d" + (i % 10) + "/f" + i + ".bin");
            Files.createDirectories(p.getParent());
            Files.write(p, file);
        }
    }

    private static void check(Path fetched, String c) throws IOException {
        long bytes;
        long files;
        try (Stream<Path> s = Files.walk(fetched)) {
            List<Path> regular = s.filter(Files::isRegularFile).toList();
            files = regular.size();
            long sum = 0;
            for (Path p : regular) {
                sum += Files.size(p);
            }
            bytes = sum;
        }
        long expected = c.startsWith("128") ? LARGE : (long) SMALL_FILES * SMALL_SIZE;
        if (bytes != expected || files != (c.startsWith("128") ? 1 : SMALL_FILES)) {
            throw new IllegalStateException(c + ": fetched " + files + " files, " + bytes + " bytes into " + fetched);
        }
    }

    private static Sample median(List<Sample> all) {
        return new Sample(med(all.stream().mapToDouble(Sample::wallSeconds).toArray()),
                med(all.stream().mapToDouble(Sample::cpuSeconds).toArray()),
                (long) med(all.stream().mapToDouble(Sample::rssKiB).toArray()),
                med(all.stream().mapToDouble(Sample::exitLagMillis).toArray()),
                med(all.stream().mapToDouble(Sample::serverCpuSeconds).toArray()));
    }

    private static double med(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v.length == 0 ? Double.NaN : v[v.length / 2];
    }

    private static String rate(String c, Sample s) {
        return c.startsWith("128") ? String.format(Locale.ROOT, "%.1f MiB/s", 128 / s.wallSeconds())
                : String.format(Locale.ROOT, "%.0f files/s", SMALL_FILES / s.wallSeconds());
    }

    private static void print(List<String> cases, List<String> tools, Map<String, List<Sample>> samples, int rounds,
            String loadBefore) throws IOException {
        System.out.println();
        System.out.println("S3 whole-process transfers, stock S3Proxy 127.0.0.1, " + Instant.now() + ", medians of "
                + rounds + " interleaved rounds; load average before: " + loadBefore + ", after: "
                + Files.readString(Path.of("/proc/loadavg")).trim() + "; " + Runtime.getRuntime().availableProcessors()
                + " cores");
        System.out.println();
        System.out.println("| case | tool | speed | wall s | client CPU s | RSS MiB | exit lag ms | server CPU s |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
        for (String c : cases) {
            for (String tool : tools) {
                Sample s = median(samples.get(c + "|" + tool));
                System.out.printf(Locale.ROOT, "| %s | %s | %s | %.2f | %.2f | %d | %s | %.2f |%n", c, tool, rate(c, s),
                        s.wallSeconds(), s.cpuSeconds(), s.rssKiB() / 1024,
                        Double.isNaN(s.exitLagMillis()) ? "-" : String.format(Locale.ROOT, "%.0f", s.exitLagMillis()),
                        s.serverCpuSeconds());
            }
        }
        System.out.println();
        System.out.println("| case | speed ours/aws | speed ours/rclone | CPU ours/rclone |");
        System.out.println("| --- | --- | --- | --- |");
        for (String c : cases) {
            Sample ours = median(samples.get(c + "|ours"));
            Sample aws = median(samples.get(c + "|aws"));
            List<Sample> rcloneSamples = samples.get(c + "|rclone");
            Sample rclone = rcloneSamples == null ? null : median(rcloneSamples);
            System.out.printf(Locale.ROOT, "| %s | %.2f | %s | %s |%n", c, aws.wallSeconds() / ours.wallSeconds(),
                    rclone == null ? "-" : String.format(Locale.ROOT, "%.2f", rclone.wallSeconds() / ours.wallSeconds()),
                    rclone == null ? "-" : String.format(Locale.ROOT, "%.1f", ours.cpuSeconds() / rclone.cpuSeconds()));
        }
    }
}
