package io.onepanel.workflow.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.runtime.local.MountPlan.Mount;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The setup script's own logic, run by a plain {@code sh} without namespaces or mounts: quoting,
 * the working directory, the command lookup and the status it reports.
 */
@NeedsShell
class SetupScriptTest {

    @TempDir
    Path temp;

    record Run(int exitCode, String stdout, String status) {}

    Run run(ContainerPath workingDir, boolean declared, boolean script, String... argv) throws Exception {
        Path attempt = Files.createDirectories(temp.resolve("attempt"));
        String text = SetupScript.write(attempt, new MountPlan(), Path.of("/bin/false"), script, workingDir,
                declared, List.of());
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", text, "onepanel-setup"));
        command.addAll(List.of(argv));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .replace(SetupScript.STARTED + "\n", "");
        int exit = process.waitFor();
        return new Run(exit, stdout, Files.readString(attempt.resolve(SetupScript.STATUS_FILE)).strip());
    }

    @Test
    void theCommandGetsItsArgumentsVerbatim() throws Exception {
        Run run = run(ContainerPath.ROOT, true, false, "printf", "%s|", "it's", "a \"quoted\" $HOME `x` \\n");

        assertThat(run.stdout()).isEqualTo("it's|a \"quoted\" $HOME `x` \\n|");
        assertThat(run.exitCode()).isZero();
        assertThat(run.status()).isEmpty();
    }

    @Test
    void theCommandIsTheProgramOnThePathNotAShellBuiltin() throws Exception {
        // dash's builtin echo would print "-e x".
        assertThat(run(ContainerPath.ROOT, true, false, "echo", "-e", "x").stdout()).isEqualTo("x\n");
    }

    @Test
    void theExitCodeIsTheCommands() throws Exception {
        assertThat(run(ContainerPath.ROOT, true, false, "sh", "-c", "exit 7").exitCode()).isEqualTo(7);
    }

    @Test
    void aWorkingDirectoryWithAnyCharactersIsEntered() throws Exception {
        Path directory = Files.createDirectories(temp.resolve("it's a \"dir\" $x"));

        Run run = run(ContainerPath.parse(directory.toString(), "workingDir"), true, false, "pwd");

        assertThat(run.stdout().strip()).isEqualTo(directory.toString());
    }

    @Test
    void aDeclaredWorkingDirectoryThatCannotBeEnteredStopsTheSetup() throws Exception {
        Run run = run(ContainerPath.parse("/no/such/dir", "workingDir"), true, false, "pwd");

        assertThat(run.exitCode()).isEqualTo(SetupScript.SETUP_FAILED);
        assertThat(run.status()).isEqualTo("E workingDir: cannot enter: /no/such/dir");
        assertThat(run.stdout()).isEmpty();
    }

    @Test
    void withoutAWorkingDirOrAPrivateTmpTheTaskStartsInAnEmptyDirectoryBelowTheAttempts() throws Exception {
        Run run = run(ContainerPath.parse(System.getProperty("user.dir"), "default"), false, false, "sh", "-c",
                "pwd; ls -A");

        assertThat(run.stdout()).isEqualTo(temp.resolve("attempt").resolve(SetupScript.WORK_DIR).toRealPath() + "\n");
    }

    @Test
    void aCommandNotOnThePathIsReportedAndNotRun() throws Exception {
        Run run = run(ContainerPath.ROOT, true, false, "no-such-command-x7", "arg");

        assertThat(run.exitCode()).isEqualTo(127);
        assertThat(run.status()).isEqualTo("N no-such-command-x7");
    }

    @Test
    void aCommandPathThatIsNotAnExecutableFileIsReported() throws Exception {
        Path plain = Files.writeString(temp.resolve("not-executable"), "echo hi\n");

        assertThat(run(ContainerPath.ROOT, true, false, plain.toString()).status()).isEqualTo("N " + plain);
        assertThat(run(ContainerPath.ROOT, true, false, temp.toString()).status()).isEqualTo("N " + temp);
    }

    @Test
    void aShellBuiltinIsNotMistakenForACommandOnThePath() throws Exception {
        assertThat(run(ContainerPath.ROOT, true, false, "onepanel_fail", "x").status())
                .isEqualTo("N onepanel_fail");
    }

    @Test
    void aScriptsSourceIsReadFromFileDescriptorThree() throws Exception {
        Files.createDirectories(temp.resolve("attempt"));
        Files.writeString(temp.resolve("attempt").resolve(SetupScript.SCRIPT_FILE), "echo \"from source $1\"\n");

        Run run = run(ContainerPath.ROOT, true, true, "sh", SetupScript.SCRIPT_PATH, "arg");

        assertThat(run.stdout()).isEqualTo("from source arg\n");
    }

    @Test
    void outsideSourcesAreBoundIntoTheAttemptBeforeAnythingIsHidden() throws Exception {
        Path attempt = Files.createDirectories(temp.resolve("attempt"));
        MountPlan plan = new MountPlan();
        plan.add(new Mount(ContainerPath.TMP, attempt.resolve("tmp"), true, false, true));
        plan.add(new Mount(ContainerPath.parse("/mnt/data", "claim"), Path.of("/var/claims/data"), true, true,
                false));

        String text = SetupScript.write(attempt, plan, Path.of("/usr/bin/mount"), false, ContainerPath.ROOT, true,
                List.of());

        int importLine = text.indexOf("'/usr/bin/mount' --bind '/var/claims/data' './external/0'");
        int tmpLine = text.indexOf("'/usr/bin/mount' --no-canonicalize --bind './tmp' '/tmp'");
        int claimLine = text.indexOf("'/usr/bin/mount' --no-canonicalize --bind './external/0' '/mnt/data'");
        int readOnlyLine = text.indexOf("--no-canonicalize -o remount,bind,ro '/mnt/data'");
        assertThat(importLine).isNotNegative().isLessThan(tmpLine);
        assertThat(tmpLine).isLessThan(claimLine);
        assertThat(claimLine).isLessThan(readOnlyLine);
        assertThat(attempt.resolve("external/0")).isEmptyDirectory();
    }
}
