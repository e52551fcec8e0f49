package io.onepanel.workflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The packaged command line as a process of its own, as a user starts it: for the *IT tests. */
final class CliProcess {

    /** A workflow of one task that prints "hi": for tests about what happens around a run. */
    static final String ECHO = """
            entrypoint: main
            templates:
            - name: main
              dag: {tasks: [{name: A, template: a}]}
            - name: a
              container: {image: alpine, command: [echo, hi]}
            """;

    private CliProcess() {}

    /** Needs Linux (signals, the local runtime's namespaces) and {@code sh}, as the tests using this do. */
    static void assumeLinuxWithShell() {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "signals and the local runtime need Linux");
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "the tasks run sh");
    }

    /** {@code java -jar target/onepanel-workflow.jar ARGS...}; the caller sets the environment and redirections. */
    static ProcessBuilder of(String... args) {
        Path jar = Path.of("target", "onepanel-workflow.jar");
        assertThat(jar).as("the shaded jar, built by the package phase").isRegularFile();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }
}
