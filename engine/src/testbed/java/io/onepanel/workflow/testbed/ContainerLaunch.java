package io.onepanel.workflow.testbed;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * How one container starts as processes of this machine: {@code setpriv --pdeathsig KILL -- unshare
 * --mount --uts --pid --fork --kill-child --mount-proc sh -c SCRIPT sh ARGV...}, so that the
 * container's program is PID 1 of namespaces of its own, as in a real container. The script
 * <ol>
 *   <li>opens the container's log (fd 3) and its start report (fd 4) before anything can hide them,
 *       and sets the host name to the pod's name;
 *   <li>binds every volume's source to a staging point in the container's directory first, then
 *       binds each staging point at its mount path (parents first) from there, relative to the
 *       container's directory: a volume mounted over {@code /tmp} cannot hide the sources still to
 *       come;
 *   <li>gives the container a /tmp of its own (unless a volume is mounted there): what it writes
 *       there stays in the container's directory, as in an image's writable layer. Everything else
 *       outside its volumes is this machine's own file system, shared by every container;
 *   <li>makes each missing mount point: inside a volume mounted before it, the script makes it
 *       there, as a container runtime does; on this machine's file system the test bed has made it
 *       beforehand ({@link HostMountPoints}) and removes it on close;
 *   <li>enters the working directory, looks the program up on the container's PATH, writes
 *       {@code ok} to the start report and replaces itself with the program, whose stdout and
 *       stderr go to the log. When a step fails it writes the runtime's reason to the start report
 *       and exits: the container then ends as a StartError, as with containerd.
 * </ol>
 */
final class ContainerLaunch {

    static final String START_OK = "ok";
    static final String START_FILE = "start";
    static final String LOG_FILE = "log";
    static final String RUNTIME_LOG = "runtime.log";
    static final String TERMINATION_FILE = "termination-log";
    static final String DEFAULT_TERMINATION_PATH = "/dev/termination-log";

    private static final String OCI = "failed to create containerd task: failed to create shim task: OCI runtime "
            + "create failed: runc create failed: unable to start container process: ";

    /** A volume (or the termination message file) bound at {@code target}; or, with {@code overlay}, the private /tmp. */
    private record Bind(Path source, String target, boolean directory, boolean readOnly, boolean overlay) {}

    private static final java.util.regex.Pattern PLAIN_PATH = java.util.regex.Pattern.compile("[A-Za-z0-9._/+@-]+");

    private ContainerLaunch() {}

    /**
     * @param dir the container's own directory (log, start report, termination message, staging points)
     * @param volumes the pod's volumes on this machine
     * @param argv the program and its arguments (after the image table and $(VAR) expansion)
     */
    static ProcessBuilder prepare(HostTools tools, HostMountPoints mountPoints, String podName, Container container,
            Map<String, String> env, Map<String, PodVolumes.HostVolume> volumes, Path dir, List<String> argv)
            throws IOException, ContainerEnvironment.ConfigException {
        Files.createDirectories(dir.resolve("src"));
        Files.deleteIfExists(dir.resolve(START_FILE));
        Path termination = dir.resolve(TERMINATION_FILE);
        Files.write(termination, new byte[0]);

        List<Bind> binds = new ArrayList<>();
        for (VolumeMount m : container.getVolumeMounts()) {
            PodVolumes.HostVolume v = volumes.get(m.getName());
            if (v == null) {
                throw new ContainerEnvironment.ConfigException("volume \"" + m.getName() + "\" is not a volume of "
                        + "the pod");
            }
            Path source = v.path();
            String sub = m.getSubPathExpr() != null ? VariableExpansion.expand(m.getSubPathExpr(), env) : m.getSubPath();
            if (sub != null && !sub.isEmpty()) {
                source = source.resolve(sub).normalize();
                if (!source.startsWith(v.path()) || Path.of(sub).isAbsolute()) {
                    throw new ContainerEnvironment.ConfigException("subPath \"" + sub + "\" leaves volume \""
                            + m.getName() + "\"");
                }
                if (!Files.exists(source)) {
                    Files.createDirectories(source);
                }
            }
            binds.add(new Bind(source, normalize(m.getMountPath()), Files.isDirectory(source),
                    Boolean.TRUE.equals(m.getReadOnly()) || v.readOnly(), false));
        }
        String terminationPath = container.getTerminationMessagePath() != null
                ? container.getTerminationMessagePath() : DEFAULT_TERMINATION_PATH;
        binds.add(new Bind(termination, normalize(terminationPath), false, false, false));
        if (binds.stream().noneMatch(b -> b.target().equals("/tmp"))) {
            Path tmp = dir.resolve("tmp");
            Files.createDirectories(tmp.resolve("upper"));
            Files.createDirectories(tmp.resolve("work"));
            binds.add(new Bind(tmp, "/tmp", true, false, true));
        }
        binds.sort(Comparator.comparingInt(b -> Path.of(b.target()).getNameCount()));

        String mount = quote(tools.mount().toString());
        String mkdir = quote(tools.mkdir().toString());
        List<String> lines = new ArrayList<>();
        lines.add("exec 3>>" + quote(dir.resolve(LOG_FILE).toString()) + " 4>" + quote(dir.resolve(START_FILE).toString())
                + " || exit 128");
        lines.add("fail() { printf '%s' \"$1\" >&4; exit 128; }");
        lines.add("cd " + quote(dir.toString()) + " || fail 'cannot enter the container directory'");
        lines.add("printf '%s' " + quote(podName) + " > /proc/sys/kernel/hostname || fail 'cannot set the host name'");
        for (int i = 0; i < binds.size(); i++) {
            Bind b = binds.get(i);
            if (b.overlay()) {
                continue;
            }
            Path staging = dir.resolve("src").resolve(Integer.toString(i));
            if (b.directory()) {
                Files.createDirectories(staging);
            } else if (!Files.exists(staging)) {
                Files.createFile(staging);
            }
            lines.add(mount + " --no-canonicalize --bind " + quote(b.source().toString()) + " ./src/" + i
                    + " || fail " + quote(OCI + "error mounting \"" + b.source() + "\": cannot bind it"));
        }
        for (int i = 0; i < binds.size(); i++) {
            Bind b = binds.get(i);
            String target = quote(b.target());
            if (b.overlay()) {
                lines.add(privateTmp(mount, b.source()));
                continue;
            }
            if (insideEarlier(binds, i)) {
                lines.add(b.directory() ? "[ -e " + target + " ] || " + mkdir + " -p " + target
                        : "[ -e " + target + " ] || { " + mkdir + " -p " + quote(parent(b.target())) + " && : > "
                                + target + "; }");
            } else {
                mountPoints.ensure(Path.of(b.target()), b.directory());
            }
            String failure = " || fail " + quote(OCI + "error mounting \"" + b.source() + "\" to rootfs at \""
                    + b.target() + "\"");
            lines.add(mount + " --no-canonicalize --bind ./src/" + i + " " + target + failure);
            if (b.readOnly()) {
                lines.add(mount + " -o remount,bind,ro " + target + failure);
            }
        }
        String workingDir = container.getWorkingDir() == null || container.getWorkingDir().isEmpty() ? "/"
                : normalize(container.getWorkingDir());
        if (binds.stream().noneMatch(b -> within(workingDir, b.target()))) {
            mountPoints.ensure(Path.of(workingDir), true);
        }
        String wd = quote(workingDir);
        lines.add("[ -e " + wd + " ] || " + mkdir + " -p " + wd);
        lines.add("cd " + wd + " || fail " + quote(OCI + "chdir to cwd (\"" + workingDir
                + "\") set in config.json failed: not a directory"));
        lines.add("found=; case \"$1\" in */*) [ -f \"$1\" ] && [ -x \"$1\" ] && found=1 ;; *) set -f; o=$IFS; IFS=:; "
                + "for d in $PATH; do [ -f \"${d:-.}/$1\" ] && [ -x \"${d:-.}/$1\" ] && { found=1; break; }; done; "
                + "IFS=$o; set +f ;; esac");
        lines.add("[ -n \"$found\" ] || fail \"" + OCI.replace("$", "\\$") + "exec: \\\"$1\\\": executable file not found "
                + "in \\$PATH: unknown\"");
        for (String shellOwn : List.of("PWD", "OLDPWD")) {
            if (!env.containsKey(shellOwn)) {
                lines.add("unset " + shellOwn); // set by this script's cd, never by a container runtime
            }
        }
        lines.add("printf '" + START_OK + "' >&4");
        lines.add("exec \"$@\" 1>&3 2>&3 3>&- 4>&-");

        List<String> command = new ArrayList<>(tools.namespacePrefix());
        command.add(String.join("\n", lines));
        command.add("sh");
        command.addAll(argv);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(RUNTIME_LOG).toFile()));
        builder.environment().clear();
        builder.environment().putAll(env);
        return builder;
    }

    /**
     * The container's own /tmp, as an image has its own: an overlay of this machine's /tmp (so paths
     * under it, such as a class path, stay readable) whose writes go to the container's directory and
     * go with the pod; where overlayfs is refused, an empty directory of the container's.
     */
    private static String privateTmp(String mount, Path dir) {
        String upper = dir.resolve("upper").toString();
        String empty = mount + " --bind " + quote(upper) + " /tmp";
        if (!PLAIN_PATH.matcher(dir.toString()).matches()) {
            return empty + " || fail 'cannot give the container its own /tmp'";
        }
        return mount + " -t overlay overlay -o " + quote("lowerdir=/tmp,upperdir=" + upper + ",workdir="
                + dir.resolve("work")) + " /tmp 2>/dev/null || " + empty + " || fail 'cannot give the container its own /tmp'";
    }

    private static boolean insideEarlier(List<Bind> binds, int index) {
        for (int j = 0; j < index; j++) {
            if (within(binds.get(index).target(), binds.get(j).target())) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code path} lies strictly inside the mount at {@code mountPoint} (or is it, for a working dir). */
    private static boolean within(String path, String mountPoint) {
        return path.equals(mountPoint) || path.startsWith(mountPoint.equals("/") ? "/" : mountPoint + "/");
    }

    private static String parent(String path) {
        Path p = Path.of(path).getParent();
        return p == null ? "/" : p.toString();
    }

    static String normalize(String path) {
        String p = Path.of("/").resolve(path).normalize().toString();
        return p.isEmpty() ? "/" : p;
    }

    /** One shell word: single quotes, each ' written as '\''. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
