package io.onepanel.workflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar as a user runs it, in a process of its own. Skipped when the jar has not been
 * built ({@code mvn -pl engine package}): building it here would double the test time.
 */
class ShadedJarTest {

    @Test
    void theJarValidatesTheDiamond() throws Exception {
        Path jar = Path.of("target", "onepanel-workflow.jar");
        assumeTrue(Files.isRegularFile(jar), "build the shaded jar first: mvn -pl engine package");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");

        Process p = new ProcessBuilder(java.toString(), "-jar", jar.toString(), "validate", Cli.diamond())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("dag-diamond.yaml: valid");
    }
}
