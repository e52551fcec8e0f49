package io.onepanel.workflow.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Harness (not JMH), whole processes, for the local runtime and the command line's start-up:
 * <ol>
 *   <li><b>tasks</b>: 1,000 independent {@code true} tasks run by {@code bin/onepanel-workflow run}
 *       (a fresh JVM, start-up included) against the floor: the same {@code unshare} flags under
 *       {@code xargs -P <cores>}, and that floor plus what every attempt adds on purpose (a shell
 *       that binds a private {@code /tmp}). Prints wall times, the ratios, the run's peak RSS
 *       (VmHWM of the JVM, sampled from /proc until it exits) and its peak thread count (sampled
 *       likewise). {@code -Donepanel.tasks=1000,5000} runs each of those counts.</li>
 *   <li><b>startup</b>: wall time of {@code onepanel-workflow validate} on a small file, as
 *       {@code bin/onepanel-workflow} starts it (its JVM flags and class-data archive) and as a
 *       plain {@code java -jar}: 7 runs each after one warm-up, median.</li>
 * </ol>
 * Prints the load average before and after: other work on the machine skews every figure.
 *
 * <pre>
 * mvn -q -o -f engine/pom.xml -Pbench package -DskipTests
 * java -cp engine/target/benchmarks.jar io.onepanel.workflow.bench.LocalRuntimeBenchmark [tasks] [startup]
 * </pre>
 * Run from the repository root (it finds engine/target/onepanel-workflow.jar and bin/onepanel-workflow there),
 * or name another checkout (or a copy of an older build laid out as one) with {@code -Donepanel.root=DIR}.
 */
public final class LocalRuntimeBenchmark {

    private static final List<String[]> ROWS = new ArrayList<>();
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private LocalRuntimeBenchmark() {}

    public static void main(String[] args) throws Exception {
        List<String> which = Arrays.asList(args);
        boolean all = which.isEmpty();
        Path root = Path.of(System.getProperty("onepanel.root", "")).toAbsolutePath();
        Path jar = root.resolve("engine/target/onepanel-workflow.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + ": run from the repository root after mvn package");
        }
        System.out.println("load average before: " + loadAverage() + "; cores: " + CORES);
        if (all || which.contains("tasks")) {
            for (String n : System.getProperty("onepanel.tasks", "1000").split(",")) {
                tasks(jar, Integer.parseInt(n.strip()));
            }
        }
        if (all || which.contains("startup")) {
            startup(root, jar);
        }
        System.out.println("load average after: " + loadAverage());
        System.out.println();
        System.out.println("| benchmark | figure | target | met |");
        System.out.println("| --- | --- | --- | --- |");
        for (String[] r : ROWS) {
            System.out.println("| " + String.join(" | ", r) + " |");
        }
    }

    // 1,000 true tasks.

    static void tasks(Path jar, int n) throws Exception {
        Path dir = Files.createTempDirectory("bench-local-tasks");
        Path file = dir.resolve("wide-true.yaml");
        Files.writeString(file, wideTrue(n));
        Path privateTmp = Files.createDirectories(dir.resolve("private-tmp"));
        List<String> flags = unshareFlags();
        String unshare = String.join(" ", flags);
        String floor = "seq " + n + " | xargs -P " + CORES + " -I{} " + unshare + " true";
        String withTmp = "seq " + n + " | xargs -P " + CORES + " -I{} " + unshare
                + " sh -c 'mount --bind " + privateTmp + " /tmp && (exec true)'";

        // One small warm-up of each, so that page cache and binaries are equal for all.
        shell("seq 20 | xargs -P " + CORES + " -I{} " + unshare + " true");
        double floorSeconds = timed(() -> shell(floor));
        double withTmpSeconds = timed(() -> shell(withTmp));
        long[] peak = new long[3];
        Path launcher = jar.getParent().getParent().getParent().resolve("bin/onepanel-workflow");
        run(List.of(launcher.toString(), "--version")); // makes the launcher's class-data archive, untimed
        double ours = timed(() -> runAndSamplePeak(List.of(launcher.toString(), "run",
                file.toString(), "--work", dir.resolve("work").toString()), peak));
        double floorAgain = timed(() -> shell(floor));

        double best = Math.min(floorSeconds, floorAgain);
        System.out.printf(Locale.ROOT, "%d × true: xargs -P %d unshare: %.1f s (again %.1f s); with sh + private /tmp"
                + " mount: %.1f s; onepanel-workflow run: %.1f s, JVM CPU %.1f s (%.1f ms a task), peak RSS %d MiB,"
                + " peak threads %d%n", n, CORES, floorSeconds, floorAgain, withTmpSeconds, ours, peak[2] / 100.0,
                peak[2] * 10.0 / n, peak[0] / 1024, peak[1]);
        ROWS.add(new String[] {n + " `true` tasks, local runtime (bin/onepanel-workflow run, start-up included)",
            String.format(Locale.ROOT, "%.1f s; floor xargs -P %d `unshare … true` %.1f s: ratio %.2f;"
                    + " floor + sh + private /tmp %.1f s: ratio %.2f", ours, CORES, best, ours / best,
                    withTmpSeconds, ours / withTmpSeconds),
            "≤ 1.5 × floor", ours / best <= 1.5 ? "yes" : "NO"});
        ROWS.add(new String[] {n + " `true` tasks, peak RSS of the run's JVM", peak[0] / 1024 + " MiB",
            "≤ 256 MiB", peak[0] / 1024 <= 256 ? "yes" : "NO"});
        ROWS.add(new String[] {n + " `true` tasks, peak threads of the run's JVM", Long.toString(peak[1]),
            "not one per task", peak[1] < n / 2 ? "yes" : "NO"});
        deleteQuietly(dir);
    }

    /** What the local runtime itself passes to unshare (Namespaces), without setpriv. */
    static List<String> unshareFlags() throws IOException {
        List<String> flags = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--pid",
                "--fork", "--kill-child", "--mount-proc"));
        if (!Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t")) {
            flags.addAll(List.of("--user", "--map-root-user"));
        }
        return flags;
    }

    static String wideTrue(int n) {
        StringBuilder y = new StringBuilder("apiVersion: argoproj.io/v1alpha1\nkind: Workflow\n"
                + "metadata: {name: wide-true}\nspec:\n  entrypoint: main\n  templates:\n  - name: main\n"
                + "    dag:\n      tasks:\n");
        for (int i = 0; i < n; i++) {
            y.append("      - {name: t").append(i).append(", template: t}\n");
        }
        y.append("  - name: t\n    container: {image: alpine, command: [\"true\"]}\n");
        return y.toString();
    }

    // Start-up.

    static void startup(Path root, Path jar) throws Exception {
        Path file = Files.createTempFile("bench-validate", ".yaml");
        Files.writeString(file, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {generateName: diamond-}
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    dag:
                      tasks:
                      - {name: A, template: echo}
                      - {name: B, dependencies: [A], template: echo}
                      - {name: C, dependencies: [A], template: echo}
                      - {name: D, dependencies: [B, C], template: echo}
                  - name: echo
                    container: {image: alpine, command: [echo, hi]}
                """);
        Path launcher = root.resolve("bin/onepanel-workflow");
        double viaLauncher = median(List.of(launcher.toString(), "validate", file.toString()));
        double plain = median(List.of(java(), "-jar", jar.toString(), "validate", file.toString()));
        System.out.printf(Locale.ROOT, "validate of a 4-task file: bin/onepanel-workflow median %.0f ms;"
                + " plain java -jar median %.0f ms%n", viaLauncher * 1000, plain * 1000);
        ROWS.add(new String[] {"CLI `validate` of a 4-task file (median of 7, wall)",
            String.format(Locale.ROOT, "bin/onepanel-workflow %.2f s; plain `java -jar` %.2f s", viaLauncher, plain),
            "≤ 0.5 s", viaLauncher <= 0.5 ? "yes" : "NO"});
        Files.delete(file);
    }

    private static double median(List<String> command) throws Exception {
        run(command); // warm-up; the launcher's first run also creates its class-data archive
        double[] seconds = new double[7];
        for (int i = 0; i < seconds.length; i++) {
            seconds[i] = timed(() -> run(command));
        }
        Arrays.sort(seconds);
        return seconds[seconds.length / 2];
    }

    // Processes.

    @FunctionalInterface
    interface Work {
        void run() throws Exception;
    }

    private static double timed(Work work) throws Exception {
        long t0 = System.nanoTime();
        work.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void shell(String script) throws Exception {
        run(List.of("sh", "-c", script));
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(command + " failed: exit " + p.exitValue());
        }
    }

    /**
     * Runs the command; {@code peak} gets its peak resident set (VmHWM, KiB), its most threads and its
     * own CPU time (user + system, in ticks of 10 ms: the tasks' processes are not counted), as last
     * read from /proc before it exited. The launcher execs java, so the pid is the JVM's.
     */
    private static void runAndSamplePeak(List<String> command, long[] peak) throws Exception {
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Path status = Path.of("/proc", Long.toString(p.pid()), "status");
        while (!p.waitFor(20, TimeUnit.MILLISECONDS)) {
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmHWM:")) {
                        peak[0] = Math.max(peak[0], Long.parseLong(line.replaceAll("[^0-9]", "")));
                    } else if (line.startsWith("Threads:")) {
                        peak[1] = Math.max(peak[1], Long.parseLong(line.replaceAll("[^0-9]", "")));
                    }
                }
                String[] stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"))
                        .replaceFirst("^.*\\) ", "").split(" ");
                peak[2] = Math.max(peak[2], Long.parseLong(stat[11]) + Long.parseLong(stat[12]));
            } catch (IOException | RuntimeException e) {
                // Exiting as we read.
            }
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(command + " failed: exit " + p.exitValue());
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            // A temporary directory left behind.
        }
    }
}
