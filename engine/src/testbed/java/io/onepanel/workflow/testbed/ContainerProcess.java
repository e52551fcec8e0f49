package io.onepanel.workflow.testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A running container: the {@code unshare} process this JVM started, and the container's PID 1
 * (its child, the first process of the container's PID namespace) that signals go to. SIGTERM
 * reaches PID 1 only when it handles it, as in a real container; SIGKILL always ends it, and the
 * kernel then ends every other process of the namespace.
 *
 * <p>The exit code is PID 1's, as {@code unshare} passes it on; util-linux 2.38's {@code unshare}
 * cannot pass on a SIGKILL (it says "sigprocmask unblock failed" and exits 1), so that case is
 * read from its own output and reported as 137, as a container runtime would.
 */
final class ContainerProcess {

    private final Process process;
    private final Path dir;
    private volatile ProcessHandle init;

    private ContainerProcess(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    static ContainerProcess start(ProcessBuilder builder, Path dir) throws IOException {
        return new ContainerProcess(builder.start(), dir);
    }

    /**
     * Waits until the container's script has either started the program (empty result) or failed
     * (the runtime's reason). Polls the start report: it is written once, within moments.
     */
    Optional<String> awaitStart() throws InterruptedException {
        Path report = dir.resolve(ContainerLaunch.START_FILE);
        while (true) {
            String said = read(report);
            if (said.equals(ContainerLaunch.START_OK)) {
                findInit();
                return Optional.empty();
            }
            if (!said.isEmpty()) {
                process.waitFor(10, TimeUnit.SECONDS);
                return Optional.of(said);
            }
            if (!process.isAlive()) {
                said = read(report);
                if (said.equals(ContainerLaunch.START_OK)) {
                    return Optional.empty(); // started and already ended
                }
                String runtime = read(dir.resolve(ContainerLaunch.RUNTIME_LOG)).strip();
                return Optional.of(said.isEmpty() ? "the container's namespaces could not be created: "
                        + (runtime.isEmpty() ? "exit code " + process.exitValue() : runtime) : said);
            }
            Thread.sleep(10);
        }
    }

    private void findInit() {
        init = process.toHandle().children().findFirst().orElse(null);
    }

    /** The container's PID 1 as this machine sees it, or -1 when it never started. */
    long initPid() {
        ProcessHandle i = init;
        return i == null ? -1 : i.pid();
    }

    CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Whether anything of the container lives: unshare, or its PID 1 (whose end ends the namespace).
     * A handle knows its process's start time, so a PID used again by another process does not count.
     */
    boolean anythingAlive() {
        ProcessHandle i = init;
        return process.isAlive() || (i != null && i.isAlive() && !zombie(i.pid()));
    }

    /** A process that has ended but was not reaped yet (its parent gone too) lives no more. */
    private static boolean zombie(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        int end = stat.lastIndexOf(')');
        return end > 0 && end + 2 < stat.length() && (stat.charAt(end + 2) == 'Z' || stat.charAt(end + 2) == 'X');
    }

    @Override
    public String toString() {
        return "PID " + process.pid() + (init == null ? "" : " (PID 1 of the container: " + init.pid() + ")");
    }

    /** SIGTERM to PID 1 (which ignores it unless it handles it, as in a real container). */
    void terminate() {
        ProcessHandle i = init;
        if (i != null) {
            i.destroy();
        } else {
            process.destroyForcibly();
        }
    }

    /**
     * SIGKILL to PID 1, which ends the whole namespace; unshare then reaps it and ends. (Killing
     * unshare first would leave PID 1 to whoever reaps orphans on this machine.) Without a known
     * PID 1, SIGKILL to unshare, whose {@code --kill-child} passes it on.
     */
    void kill() {
        ProcessHandle i = init;
        if (i != null && i.isAlive()) {
            i.destroyForcibly();
        } else {
            process.destroyForcibly();
        }
    }

    /** PID 1's exit code, 128 + the signal's number when a signal ended it. Only once ended. */
    int exitCode() {
        int code = process.exitValue();
        if (code == 1 && read(dir.resolve(ContainerLaunch.RUNTIME_LOG)).contains("sigprocmask unblock failed")) {
            return 137;
        }
        return code;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
