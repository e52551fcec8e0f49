package io.onepanel.workflow.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The programs a test node runs containers with (util-linux {@code setpriv}, {@code unshare},
 * {@code mount}, {@code sh} and {@code mkdir}, by absolute path: a container's own PATH may lack them), and whether this machine can be a test node at all: Linux, root
 * (mount points are made on this machine, as a node's container runtime makes them in an image),
 * and namespaces that really work, found by starting one.
 */
public record HostTools(Path setpriv, Path unshare, Path mount, Path shell, Path mkdir) {

    /** The PATH of a container whose pod spec sets none (containerd's default). */
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private static HostTools found;
    private static String missing;

    /** The tools, or an exception saying what this machine lacks. */
    public static synchronized HostTools find() {
        if (found == null && missing == null) {
            try {
                found = probe();
            } catch (IllegalStateException e) {
                missing = e.getMessage();
            }
        }
        if (missing != null) {
            throw new IllegalStateException("this machine cannot run the test bed: " + missing);
        }
        return found;
    }

    /** What this machine lacks to run the test bed, or "" when nothing (for "not applicable" test conditions). */
    public static synchronized String missing() {
        try {
            find();
            return "";
        } catch (IllegalStateException e) {
            return missing;
        }
    }

    private static HostTools probe() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            throw new IllegalStateException("it needs Linux (this is " + System.getProperty("os.name") + ")");
        }
        if (!isRoot()) {
            throw new IllegalStateException("it needs root: containers bind volumes at their mount paths on this "
                    + "machine's file system, in mount namespaces of their own");
        }
        HostTools tools = new HostTools(executable("setpriv"), executable("unshare"), executable("mount"),
                executable("sh"), executable("mkdir"));
        tools.tryOne();
        return tools;
    }

    /** The command line up to the container's own script: PID 1 of fresh mount, UTS and PID namespaces. */
    List<String> namespacePrefix() {
        return List.of(setpriv.toString(), "--pdeathsig", "KILL", "--",
                unshare.toString(), "--mount", "--propagation", "private", "--uts",
                "--pid", "--fork", "--kill-child", "--mount-proc",
                shell.toString(), "-c");
    }

    private void tryOne() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("onepanel-testbed-probe");
            Files.createDirectory(dir.resolve("a"));
            Files.createDirectory(dir.resolve("b"));
            List<String> command = new ArrayList<>(namespacePrefix());
            command.add("cd \"$1\" && " + mount + " --no-canonicalize --bind ./a ./b && [ $$ = 1 ]");
            command.add("sh");
            command.add(dir.toString());
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String output;
            try (InputStream in = p.getInputStream()) {
                output = new String(in.readNBytes(4096), StandardCharsets.UTF_8).strip();
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(unshare + " did not finish");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("no private mount and PID namespaces: " + unshare + " failed"
                        + (output.isEmpty() ? "" : ": " + output));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + unshare + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking for namespaces", e);
        } finally {
            if (dir != null) {
                try {
                    Files.deleteIfExists(dir.resolve("b"));
                    Files.deleteIfExists(dir.resolve("a"));
                    Files.deleteIfExists(dir);
                } catch (IOException e) {
                    // an empty directory left in the temporary directory is harmless
                }
            }
        }
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            // no /proc: not Linux as the test bed needs it
        }
        return false;
    }

    private static Path executable(String name) {
        for (String dir : DEFAULT_PATH.split(":")) {
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no '" + name + "' in " + DEFAULT_PATH + " (util-linux / a POSIX shell)");
    }
}
