package io.onepanel.workflow.runtime.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Whether this machine can give a task private mount and PID namespaces through util-linux
 * {@code unshare}, found out once per runtime by running a bind mount in a fresh namespace; and
 * the command line that starts a task that way.
 *
 * <p>{@code --pid --fork --kill-child --mount-proc} make the task's process tree a PID namespace
 * of its own: when its first process dies, the kernel kills every other process in it, so killing
 * that one process ends the whole tree, however it forked. When util-linux {@code setpriv} stands
 * beside {@code unshare}, {@code setpriv --pdeathsig KILL} also ends the tree should the thread
 * that started it (the attempt's, which waits for it) or this JVM die first.
 *
 * <p>A task's command runs without any capability: after its mounts, the setup script execs it
 * through {@link Ready#dropPrivileges()} ({@code setpriv --inh-caps=-all --ambient-caps=-all
 * --bounding-set=-all --no-new-privs}), keeping its user id. So a task running as root (or as the
 * root of a user namespace) cannot unmount its private {@code /proc} or {@code /tmp} to see what
 * they cover (the machine's processes and the engine's environment), mount anything, or regain a
 * capability through a set-user-id program.
 */
final class Namespaces {

    /**
     * @param prefix the command line up to, not including, the setup script
     * @param overlays whether an attempt may mount overlayfs (as root, where the kernel has it;
     *     unprivileged user namespaces refuse it on many kernels)
     * @param dropPrivileges what the setup script execs the task's command through: every
     *     capability dropped, for good
     */
    record Ready(List<String> prefix, Path mount, boolean overlays, List<String> dropPrivileges) {}

    private final LocalRuntimeOptions options;
    private final Path workRoot;
    private Ready ready;
    private String failure;

    Namespaces(LocalRuntimeOptions options, Path workRoot) {
        this.options = options;
        this.workRoot = workRoot;
    }

    /** @throws LocalRuntimeException naming what is missing, the same for every call */
    synchronized Ready ready() throws LocalRuntimeException {
        if (ready == null && failure == null) {
            try {
                ready = probe();
            } catch (LocalRuntimeException e) {
                failure = e.getMessage();
            }
        }
        if (failure != null) {
            throw new LocalRuntimeException(failure);
        }
        return ready;
    }

    private Ready probe() throws LocalRuntimeException {
        Path unshare = executable(options.unshare(), "unshare not found (util-linux)");
        Path mount = executable(Path.of("mount"), "mount not found (util-linux)");
        Path shell = executable(options.shell(), "shell not found");
        boolean root = isRoot();
        boolean userNamespace = switch (options.userNamespace()) {
            case ALWAYS -> true;
            case NEVER -> false;
            case WHEN_NOT_ROOT -> !root;
        };
        Path setpriv = executable(Path.of("setpriv"), "setpriv not found (util-linux); the local runtime needs it to"
                + " drop the tasks' capabilities");
        List<String> drop = List.of(setpriv.toString(), "--inh-caps=-all", "--ambient-caps=-all",
                "--bounding-set=-all", "--no-new-privs", "--");
        // Should this JVM die without closing the runtime, its tasks die with it.
        List<String> prefix = new ArrayList<>(List.of(setpriv.toString(), "--pdeathsig", "KILL", "--"));
        prefix.addAll(List.of(unshare.toString(), "--mount", "--propagation", "private",
                "--pid", "--fork", "--kill-child", "--mount-proc"));
        if (userNamespace) {
            prefix.addAll(List.of("--user", "--map-root-user"));
        }
        prefix.addAll(List.of(shell.toString(), "-c"));

        Path probe;
        try {
            Files.createDirectories(workRoot);
            probe = Files.createTempDirectory(workRoot, "probe-");
            Files.createDirectory(probe.resolve("a"));
            Files.createDirectory(probe.resolve("b"));
        } catch (IOException e) {
            throw new LocalRuntimeException("cannot use the work directory " + workRoot + ": " + e, e);
        }
        try {
            List<String> command = new ArrayList<>(prefix);
            command.add("cd " + SetupScript.quote(probe.toString()) + " && " + SetupScript.quote(mount.toString())
                    + " --no-canonicalize --bind ./a ./b && " + String.join(" ", drop.stream().map(SetupScript::quote)
                    .toList()) + " /bin/sh -c :");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readNBytes(4096), StandardCharsets.UTF_8).strip();
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new LocalRuntimeException("cannot create a mount namespace: " + unshare + " did not finish");
            }
            if (process.exitValue() != 0) {
                throw new LocalRuntimeException(explain(unshare, userNamespace, root, output));
            }
            return new Ready(List.copyOf(prefix), mount, !userNamespace && kernelHasOverlay(), drop);
        } catch (IOException e) {
            throw new LocalRuntimeException("cannot run " + unshare + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalRuntimeException("interrupted while checking for mount namespaces", e);
        } finally {
            try {
                FileTree.delete(probe);
            } catch (IOException e) {
                // An empty probe directory left in the work root is harmless.
            }
        }
    }

    private static boolean kernelHasOverlay() {
        try {
            return Files.readAllLines(Path.of("/proc/filesystems")).stream().anyMatch(l -> l.endsWith("\toverlay"));
        } catch (IOException e) {
            return false;
        }
    }

    private static String explain(Path unshare, boolean userNamespace, boolean root, String output) {
        String prefix = "cannot create a mount namespace: ";
        if (userNamespace && !root) {
            if ("0".equals(sysctl("kernel/unprivileged_userns_clone"))) {
                return prefix + "unprivileged user namespaces are disabled (sysctl kernel.unprivileged_userns_clone=0);"
                        + " run as root";
            }
            if ("0".equals(sysctl("user/max_user_namespaces"))) {
                return prefix + "user namespaces are disabled (sysctl user.max_user_namespaces=0); run as root";
            }
            if ("1".equals(sysctl("kernel/apparmor_restrict_unprivileged_userns"))) {
                return prefix + "AppArmor restricts unprivileged user namespaces"
                        + " (sysctl kernel.apparmor_restrict_unprivileged_userns=1); run as root";
            }
        }
        return prefix + unshare + " failed" + (output.isEmpty() ? "" : ": " + output)
                + (userNamespace || root ? ""
                        : "; mounting needs root or a user namespace (LocalRuntimeOptions.userNamespace)");
    }

    private static String sysctl(String name) {
        try {
            return Files.readString(Path.of("/proc/sys", name)).strip();
        } catch (IOException e) {
            return null;
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
            // Not Linux: the probe will say what is missing.
        }
        return false;
    }

    /** An absolute path as it is; a bare name looked up on this JVM's PATH and the system directories. */
    private static Path executable(Path program, String notFound) throws LocalRuntimeException {
        if (program.isAbsolute() || program.getNameCount() > 1) {
            if (Files.isRegularFile(program) && Files.isExecutable(program)) {
                return program.toAbsolutePath();
            }
            throw new LocalRuntimeException(notFound + ": " + program + (Files.exists(program)
                    ? " is not an executable file" : " does not exist"));
        }
        List<String> directories = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            directories.addAll(List.of(path.split(":")));
        }
        directories.addAll(List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"));
        for (String directory : directories) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(directory, program.toString());
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        throw new LocalRuntimeException(notFound + ": no '" + program + "' on PATH");
    }
}
