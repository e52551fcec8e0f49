package io.onepanel.workflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar as a user runs it, in a process of its own. An integration test: Failsafe runs it
 * in {@code mvn verify}, after {@code package} has built the jar.
 */
class ShadedJarIT {

    @Test
    void theJarValidatesTheDiamond() throws Exception {
        Path jar = Path.of("target", "onepanel-workflow.jar");
        assertThat(jar).as("the shaded jar, built by the package phase").isRegularFile();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");

        Process p = new ProcessBuilder(java.toString(), "-jar", jar.toString(), "validate", Cli.diamond())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("dag-diamond.yaml: valid");
    }
}
