package io.onepanel.workflow.artifact;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whole-process S3 transfers: both of our transfer paths against aws-cli and rclone, on one stock
 * S3Proxy (its own process, so its CPU is counted apart). Each transfer is a fresh process,
 * start-up and exit included, timed by {@code /usr/bin/time} (wall, CPU, peak RSS). Cases: 128 MiB,
 * 1 GiB and 1,000 x 10 KiB, up and down. Our paths (see {@link TransferTools}): {@code stage}, the
 * pod's stager as its image runs it, and {@code presign}, the Jenkins agent's presigned-URL stager
 * with this JVM as the signing controller.
 *
 * <p>Honest by construction: the same S3Proxy and the same files for every tool; round 0 is a
 * warm-up and is discarded; within a round every case runs every tool, in an order that rotates
 * from round to round; downloads are checked, and what each sample wrote is removed and synced to
 * disk before the next. Prints medians with min and max, and the load average before and after:
 * on a shared machine only the same-run ratios count.
 *
 * <pre>
 * apt-get install -y awscli rclone time
 * mvn -f engine/pom.xml package -DskipTests && cp engine/target/onepanel-workflow.jar /tmp/
 * mvn -f engine/pom.xml -Pbench package -DskipTests
 * java -Donepanel.cli.jar=/tmp/onepanel-workflow.jar -cp engine/target/benchmarks.jar \
 *     io.onepanel.workflow.artifact.S3ProcessBenchmark [rounds] [workdir]
 * </pre>
 * Options (system properties): {@code onepanel.tools} (default {@code stage,presign,aws,rclone}),
 * {@code onepanel.cases} (labels containing any of these comma-separated words, e.g. {@code MiB,KiB} for
 * all but the 1 GiB cases), {@code onepanel.stager.variants} (more stagers to compare, each a tool of its
 * own: {@code NAME=JVM flags}, separated by {@code ;}, e.g.
 * {@code stage-c1=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC}, then name {@code stage-c1} in
 * {@code onepanel.tools}), {@code onepanel.stager.java} (the stager's java, default this one), {@code onepanel.stager.home}
 * (the stager image's {@code /opt/onepanel-workflow}: default a directory holding the CLI jar),
 * {@code onepanel.agent.parallelism} (default 4, what the plugin's agent uses), {@code onepanel.data}
 * (keep the generated files there between runs).
 */
public final class S3ProcessBenchmark {

    private S3ProcessBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path base = args.length > 1 ? Path.of(args[1]) : Path.of(System.getProperty("java.io.tmpdir"));
        Path target = Path.of(System.getProperty("onepanel.target", "engine/target")).toAbsolutePath();
        Path cliJar = Path.of(System.getProperty("onepanel.cli.jar", target.resolve("onepanel-workflow.jar")
                .toString())).toAbsolutePath();
        List<String> tools = List.of(System.getProperty("onepanel.tools", "stage,presign,aws,rclone").split(","));
        List<String> words = List.of(System.getProperty("onepanel.cases", "").split(","));
        List<TransferCase> cases = TransferCase.ALL.stream()
                .filter(c -> words.stream().anyMatch(w -> c.label().contains(w.strip()))).toList();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        Path work = Files.createTempDirectory(base, "s3-process-bench-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x")); // the stager runs as nobody
        Path data = Path.of(System.getProperty("onepanel.data", work.resolve("data").toString()));
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
        try (BenchS3Server server = BenchS3Server.start(target.resolve("s3proxy/s3proxy.jar"),
                work.resolve("s3-data"), TransferTools.ACCESS, TransferTools.SECRET);
                PresignController controller = new PresignController(repository(server))) {
            Path stagerHome = stagerHome(work, cliJar);
            String stagerJava = System.getProperty("onepanel.stager.java", java);
            Map<String, List<String>> stagers = new LinkedHashMap<>();
            stagers.put("stage", TransferTools.stagerCommand(stagerJava, stagerHome, List.of()));
            for (String variant : System.getProperty("onepanel.stager.variants", "").split(";")) {
                if (variant.contains("=")) {
                    String name = variant.substring(0, variant.indexOf('=')).strip();
                    List<String> flags = List.of(variant.substring(variant.indexOf('=') + 1).strip().split("\\s+"));
                    stagers.put(name, TransferTools.stagerCommand(stagerJava, stagerHome, flags));
                }
            }
            List<String> agent = List.of(java, "-cp", cliJar + ":" + target.resolve("classes"),
                    PresignAgent.class.getName());
            TransferTools transfers = new TransferTools(work, data, server.endpoint(), stagers, agent,
                    Integer.getInteger("onepanel.agent.parallelism", 4), controller);
            TransferCase.writeAll(data);
            TimedProcess timed = new TimedProcess(work.resolve("process.err"), server);
            seed(timed, transfers, cases);

            TransferReport report = new TransferReport();
            for (int round = 0; round <= rounds; round++) {
                for (TransferCase c : cases) {
                    List<String> order = new ArrayList<>(tools);
                    Collections.rotate(order, -round);
                    for (String tool : order) {
                        TransferTools.Invocation call = transfers.invocation(tool, c, round);
                        TimedProcess.Sample sample = timed.run(call.command(), call.env(), call.conversation());
                        if (call.fetched() != null) {
                            c.check(call.fetched());
                        }
                        if (round > 0) {
                            report.add(c, tool, sample);
                        }
                        clean(work);
                    }
                }
                System.err.println("round " + round + " of " + rounds + " done; load " + load());
            }
            report.print(cases, tools, "S3 whole-process transfers, stock S3Proxy on 127.0.0.1, " + Instant.now()
                    + "; medians of " + rounds + " interleaved rounds after a warm-up round; load average before: "
                    + loadBefore + ", after: " + load() + "; " + Runtime.getRuntime().availableProcessors()
                    + " cores; stagers: " + stagers.values().stream().map(l -> String.join(" ", l)).toList()
                    + "; agent parallelism "
                    + Integer.getInteger("onepanel.agent.parallelism", 4));
        } finally {
            TransferCase.delete(work);
        }
    }

    private static ArtifactRepository repository(BenchS3Server server) {
        return ArtifactRepository.onepanel("bench").withEndpoint(server.endpoint().toString(), true)
                .withRegion("us-east-1").withCredentials(new S3Credentials.StaticKeys(TransferTools.ACCESS,
                        TransferTools.SECRET));
    }

    /** The stager image's {@code /opt/onepanel-workflow}, unless given: the CLI jar under the image's name. */
    private static Path stagerHome(Path work, Path cliJar) throws IOException {
        String given = System.getProperty("onepanel.stager.home");
        if (given != null) {
            return Path.of(given).toAbsolutePath();
        }
        Path home = Files.createDirectories(work.resolve("stager-home"));
        Files.copy(cliJar, home.resolve("onepanel-workflow.jar"));
        return home;
    }

    /** The bucket and the objects every download reads, written by aws-cli (not timed). */
    private static void seed(TimedProcess timed, TransferTools tools, List<TransferCase> cases) throws Exception {
        timed.run(List.of("/usr/bin/aws", "--endpoint-url", tools.endpoint().toString(), "s3", "mb", "s3://bench"),
                tools.env(), TimedProcess.SILENT);
        for (TransferCase c : cases) {
            if (!c.up()) {
                List<String> command = c.single()
                        ? tools.aws("cp", tools.data().resolve(c.name()).toString(), "s3://bench/" + c.seedKey())
                        : tools.aws("cp", "--recursive", tools.data().resolve(c.name()).toString(),
                                "s3://bench/" + c.seedKey() + "/");
                timed.run(command, tools.env(), TimedProcess.SILENT);
            }
        }
    }

    /** Removes what a sample wrote (downloads, uploaded objects) and syncs, so the next starts equal. */
    private static void clean(Path work) throws Exception {
        TransferCase.delete(work.resolve("down"));
        TransferCase.delete(work.resolve("s3-data/bench/up"));
        new ProcessBuilder("sync").inheritIO().start().waitFor();
    }

    private static String load() throws IOException {
        return Arrays.stream(Files.readString(Path.of("/proc/loadavg")).split(" ")).limit(3)
                .reduce((a, b) -> a + " " + b).orElse("");
    }
}
