package io.onepanel.workflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --work} on a read-only file system: one line naming the directory and what to do, exit 2,
 * nothing run. The command line runs in a mount namespace of its own where the directory is bound
 * read-only (util-linux {@code unshare}; as root or with a user namespace, like the local runtime).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES) // a hang guard only
class ReadOnlyWorkIT {

    @TempDir
    Path temp;

    @Test
    void aReadOnlyWorkDirectoryIsOneLineNamingItAndWhatToDo() throws Exception {
        CliProcess.assumeLinuxWithShell();
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")), "unshare makes the read-only mount");
        Path readOnly = Files.createDirectories(temp.resolve("read-only"));
        Path file = Files.writeString(temp.resolve("echo.yaml"), CliProcess.ECHO);
        List<String> cli = CliProcess.of("run", file.toString(), "--work", readOnly.resolve("work").toString(),
                "--artifacts", temp.resolve("artifacts").toString()).command();
        List<String> command = new ArrayList<>(List.of("/usr/bin/unshare", "--mount", "--propagation", "private",
                "--map-root-user", "/bin/sh", "-c", "mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\""
                        + " && shift && exec \"$@\"", "sh", readOnly.toString()));
        command.addAll(cli);
        Process p = new ProcessBuilder(command).redirectOutput(temp.resolve("out.txt").toFile())
                .redirectError(temp.resolve("err.txt").toFile()).start();

        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(temp.resolve("err.txt"));
        assumeTrue(!err.contains("unshare:") && !err.startsWith("mount:"), "this machine lets unshare mount: " + err);
        assertThat(p.exitValue()).as(err).isEqualTo(2);
        assertThat(err).isEqualTo("onepanel-workflow: --work " + readOnly.resolve("work") + ": cannot write there"
                + " (Read-only file system); give a writable directory with --work DIR\n");
        assertThat(Files.readString(temp.resolve("out.txt"))).isEmpty();
    }
}
