package io.onepanel.workflow.artifact;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One whole process timed by {@code /usr/bin/time}: wall time (from before {@code before} to after
 * {@code after}), the process's CPU (user + system) and peak resident set, the time from its last
 * byte (the stdout line a {@link Conversation} calls done) to its exit, and the CPU S3Proxy and the
 * harness spent meanwhile.
 */
final class TimedProcess {

    /**
     * @param exitLagMillis from the "done" line to the end of the process; NaN when it prints none
     * @param serverCpuSeconds what S3Proxy spent during the sample
     * @param controllerCpuSeconds what this JVM (the presigning "controller") spent during the sample
     */
    record Sample(double wallSeconds, double cpuSeconds, long rssKiB, double exitLagMillis, double serverCpuSeconds,
            double controllerCpuSeconds) {}

    /** What the harness says to the process while it runs, and which of its lines ends the transfer. */
    interface Conversation {
        /** Runs before the process starts (inside the timed wall time). */
        default void before() throws Exception {}

        /** @return true when this line says the last byte has moved */
        boolean line(String line, PrintStream stdin) throws Exception;

        /** Runs after the process has ended (inside the timed wall time). */
        default void after() throws Exception {}
    }

    /** A process that says nothing the harness needs to read. */
    static final Conversation SILENT = (line, stdin) -> false;

    private final Path errors;
    private final BenchS3Server server;

    TimedProcess(Path errors, BenchS3Server server) {
        this.errors = errors;
        this.server = server;
    }

    Sample run(List<String> command, Map<String, String> env, Conversation conversation) throws Exception {
        List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-f", "TIME %e %U %S %M"));
        timed.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(timed).redirectError(errors.toFile());
        builder.environment().putAll(env);
        builder.environment().remove("AWS_CA_BUNDLE"); // plain http
        long serverBefore = server.cpuNanos();
        long controllerBefore = ownCpuNanos();
        long start = System.nanoTime();
        conversation.before();
        Process process = builder.start();
        long done = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); PrintStream in = new PrintStream(process.getOutputStream(), true,
                StandardCharsets.UTF_8)) {
            for (String line; (line = out.readLine()) != null; ) {
                if (conversation.line(line, in)) {
                    done = System.nanoTime();
                }
            }
        } catch (Exception e) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage() + "\n"
                    + String.join("\n", Files.readAllLines(errors)), e);
        }
        int status = process.waitFor();
        long exited = System.nanoTime();
        conversation.after();
        long end = System.nanoTime();
        List<String> err = Files.readAllLines(errors);
        if (status != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + status + "): "
                    + String.join("\n", err));
        }
        String[] time = err.stream().filter(l -> l.startsWith("TIME ")).reduce((a, b) -> b).orElseThrow().split(" ");
        return new Sample((end - start) / 1e9, Double.parseDouble(time[2]) + Double.parseDouble(time[3]),
                Long.parseLong(time[4]), done < 0 ? Double.NaN : (exited - done) / 1e6,
                (server.cpuNanos() - serverBefore) / 1e9, (ownCpuNanos() - controllerBefore) / 1e9);
    }

    private static long ownCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos()).orElse(0L);
    }
}
