package io.onepanel.workflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code -} reads the template from standard input, within the same 32 MiB bound as a file. */
@Timeout(value = 2, unit = TimeUnit.MINUTES) // a hang guard only
class StandardInputIT {

    @TempDir
    Path temp;

    private Process validate(File stdin) throws Exception {
        return CliProcess.of("validate", "-").redirectInput(stdin)
                .redirectOutput(temp.resolve("out.txt").toFile()).redirectError(temp.resolve("err.txt").toFile())
                .start();
    }

    @Test
    void aTemplateOnStandardInputIsValidated() throws Exception {
        Process p = validate(Cli.examples().resolve("dag-diamond.yaml").toFile());
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(temp.resolve("err.txt"))).isZero();
    }

    @Test
    void standardInputThatNeverEndsIsRefusedAtTheLimitWithoutRunningOutOfMemory() throws Exception {
        CliProcess.assumeLinuxWithShell();
        Process p = validate(new File("/dev/zero"));
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(Files.readString(temp.resolve("err.txt"))).isEqualTo("onepanel-workflow: standard input: more"
                + " than 33554432 bytes (32 MiB), the limit for a template; is this the right file?\n");
    }
}
