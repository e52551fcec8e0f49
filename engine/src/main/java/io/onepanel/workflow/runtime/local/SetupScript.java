package io.onepanel.workflow.runtime.local;

import io.onepanel.workflow.runtime.local.MountPlan.Mount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code sh} script that runs first inside an attempt's namespaces: it performs the
 * {@link MountPlan}'s mounts, enters the working directory, checks that the command exists on this
 * machine and runs it with the positional parameters as its command line, as a child: the shell
 * stays the namespace's first process, so a command killed by a signal exits 128 + its number.
 *
 * <p>Mounting over {@code /tmp} (or any declared path) can hide the attempt's own directory on this
 * machine. So the script first makes the attempt directory its working directory and opens what it
 * needs from there: mount sources are given relative to it ({@code mount --no-canonicalize} passes
 * them to the kernel as they are, resolved against the working directory, which stays reachable
 * whatever is mounted over its path); sources outside it (run-shared volumes, host paths) are
 * first bound into it, before anything is hidden. A script's source is opened as file descriptor
 * 3 and given to the interpreter as {@code /dev/fd/3}.
 *
 * <p>Just before the command starts, the script writes the line {@link #STARTED} on stderr.
 * The script reports why it stopped in the file {@code status} of the attempt directory, one
 * line: {@code E message} when setting up failed (exit 125), {@code N command} when the command was
 * not found (exit 127). An empty file means the command ran; then the exit code is its own.
 */
final class SetupScript {

    static final String STATUS_FILE = "status";
    static final String SCRIPT_FILE = "script";
    /** The working directory of a task whose container names none: empty, the attempt's own. */
    static final String PRIVATE_WORK_DIR = "/tmp/onepanel-workdir";
    /** Where that directory is when the task has no private /tmp: below the attempt directory. */
    static final String WORK_DIR = "workdir";
    static final String SCRIPT_PATH = "/dev/fd/3";
    static final int SETUP_FAILED = 125;

    /**
     * The first line the script writes on stderr once it is done and the command is about to
     * start (never shown: the runtime takes it out of the task's log).
     */
    static final String STARTED = "\u0001onepanel-workflow: the command starts";

    private SetupScript() {}

    /**
     * Writes the script text, creating under {@code attemptDir/external} the mount points that
     * outside sources are first bound to.
     *
     * @param mount the absolute path of {@code mount(8)}
     */
    static String write(Path attemptDir, MountPlan plan, Path mount, boolean withScriptSource,
            ContainerPath workingDir, boolean workingDirDeclared, List<String> dropPrivileges) throws IOException {
        String mountCommand = quote(mount.toString());
        List<String> lines = new ArrayList<>();
        lines.add("exec 4>" + quote(attemptDir.resolve(STATUS_FILE).toString()) + " || exit " + SETUP_FAILED);
        lines.add("onepanel_fail() { printf 'E %s: %s\\n' \"$1\" \"$2\" >&4; exit " + SETUP_FAILED + "; }");
        lines.add("cd " + quote(attemptDir.toString()) + " || onepanel_fail 'cannot enter the attempt directory' "
                + quote(attemptDir.toString()));
        if (withScriptSource) {
            lines.add("exec 3<./" + SCRIPT_FILE + " || onepanel_fail 'cannot open the script source' ./"
                    + SCRIPT_FILE);
        }

        List<String> binds = new ArrayList<>();
        int external = 0;
        for (Mount m : plan.mounts()) {
            String source;
            if (m.source().startsWith(attemptDir)) {
                source = "./" + attemptDir.relativize(m.source());
            } else {
                Path importedAt = attemptDir.resolve("external").resolve(Integer.toString(external++));
                MountPlan.createIfAbsent(importedAt, m.directory());
                source = "./" + attemptDir.relativize(importedAt);
                // The machine's own directory brings what is mounted below it, as it would unhidden.
                lines.add(mountLine(mountCommand, (m.machineOwn() ? "--rbind " : "--bind ")
                        + quote(m.source().toString()) + " " + quote(source), "cannot bind " + m.source()));
            }
            if (m.isOverlay()) {
                // The target's own directory is the lower layer; upper and work sit in the attempt
                // directory, named relative to it like every other source.
                String work = "./" + attemptDir.relativize(m.overlayWork());
                binds.add(mountLine(mountCommand, "-t overlay overlay -o " + quote("lowerdir=" + m.target()
                        + ",upperdir=" + source + ",workdir=" + work) + " " + quote(m.target().toString()),
                        "cannot overlay " + m.target()));
                continue;
            }
            binds.add(mountLine(mountCommand, "--no-canonicalize " + (m.machineOwn() ? "--rbind " : "--bind ")
                    + quote(source) + " "
                    + quote(m.target().toString()), "cannot mount at " + m.target()));
            if (m.readOnly()) {
                binds.add(mountLine(mountCommand, "--no-canonicalize -o remount,bind,ro "
                        + quote(m.target().toString()), "cannot make " + m.target() + " read-only"));
            }
        }
        lines.addAll(binds);

        String directory = quote(workingDir.toString());
        lines.add(workingDirDeclared
                ? "cd " + directory + " 2>/dev/null || onepanel_fail 'workingDir: cannot enter' " + directory
                : privateWorkingDirectory(attemptDir, plan));

        lines.add("onepanel_found() {");
        lines.add("  case \"$1\" in */*) [ -f \"$1\" ] && [ -x \"$1\" ]; return;; '') return 1;; esac");
        lines.add("  onepanel_ifs=$IFS; IFS=:; set -f");
        lines.add("  for onepanel_dir in $PATH; do");
        lines.add("    if [ -f \"${onepanel_dir:-.}/$1\" ] && [ -x \"${onepanel_dir:-.}/$1\" ]; then"
                + " IFS=$onepanel_ifs; set +f; return 0; fi");
        lines.add("  done");
        lines.add("  IFS=$onepanel_ifs; set +f; return 1");
        lines.add("}");
        lines.add("onepanel_found \"$1\" || { printf 'N %s\\n' \"$1\" >&4; exit 127; }");
        lines.add("exec 4>&-");
        // The runtime counts the attempt as started, no longer setting up, when it reads this line.
        lines.add("printf '%s\\n' " + quote(STARTED) + " >&2");
        // exec in a subshell: the program on PATH as the kubelet would start it, never a shell builtin;
        // through dropPrivileges, so that no capability outlives the mounts.
        lines.add("(exec " + String.join(" ", dropPrivileges.stream().map(SetupScript::quote).toList()) + " \"$@\")");
        lines.add("exit $?");
        return String.join("\n", lines) + "\n";
    }

    /**
     * Without a workingDir a task starts in an empty directory of its own, never in the directory the
     * run was started from: {@value #PRIVATE_WORK_DIR} in its private /tmp, a path the task can name.
     * Without a private /tmp, a directory below the attempt's (still the current one, so reachable
     * whatever the mounts hid: -P enters it relative to it, not to $PWD's path).
     */
    private static String privateWorkingDirectory(Path attemptDir, MountPlan plan) throws IOException {
        Path tmp = plan.mounts().stream().filter(m -> m.target().equals(ContainerPath.TMP) && !m.isOverlay())
                .map(Mount::source).findFirst().orElse(null);
        if (tmp != null && Files.isDirectory(tmp)) {
            Files.createDirectories(tmp.resolve(PRIVATE_WORK_DIR.substring("/tmp/".length())));
            return "cd " + PRIVATE_WORK_DIR + " || onepanel_fail 'cannot enter the private working directory' "
                    + PRIVATE_WORK_DIR;
        }
        Files.createDirectories(attemptDir.resolve(WORK_DIR));
        return "cd -P ./" + WORK_DIR + " || onepanel_fail 'cannot enter the private working directory' ./" + WORK_DIR;
    }

    /**
     * One mount; its complaint goes to a file that is read only when it failed. (Capturing it with
     * {@code $(...)} would cost a fork per mount on every attempt, which showed in the makespan.)
     */
    private static String mountLine(String mountCommand, String arguments, String failure) {
        return mountCommand + " " + arguments + " 2>./mount.err || onepanel_fail " + quote(failure)
                + " \"$(cat ./mount.err)\"";
    }

    /** {@code text} as one word for {@code sh}, whatever characters it holds. */
    static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
