package io.onepanel.workflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack of issue 20, as a user would meet it: the command line runs with credentials in its
 * environment, and a task declares as its outputs symbolic links to {@code /proc/self/environ} (the
 * reader's own environment), at the output's path and inside an output directory. The run fails
 * with one line per output saying which link was refused, and the secret appears nowhere: not on
 * stdout or stderr, not in the JSON result, not in the artifact repository.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES) // a hang guard only
class OutputLinksIT {

    private static final String SECRET = "fake-secret-4f1c9a";

    @TempDir
    Path temp;

    @Test
    void linksToTheEnginesEnvironmentAreRefusedAndTheSecretIsNowhere() throws Exception {
        CliProcess.assumeLinuxWithShell();
        Path file = Files.writeString(temp.resolve("leak.yaml"), """
                entrypoint: main
                templates:
                - name: main
                  dag: {tasks: [{name: A, template: a}]}
                - name: a
                  container:
                    image: alpine
                    command: [sh, -c, "ln -s /proc/self/environ /tmp/p; ln -s /proc/self/environ /tmp/q;
                      mkdir -p /tmp/d/x; echo ok > /tmp/d/ok; ln -s /proc/self/environ /tmp/d/x/e"]
                  outputs:
                    parameters: [{name: p, valueFrom: {path: /tmp/p}}]
                    artifacts: [{name: q, path: /tmp/q}, {name: d, path: /tmp/d}]
                """);
        Path artifacts = temp.resolve("artifacts");
        ProcessBuilder builder = CliProcess.of("run", file.toString(), "--output", "json",
                "--work", temp.resolve("work").toString(), "--artifacts", artifacts.toString())
                .redirectOutput(temp.resolve("stdout.txt").toFile())
                .redirectError(temp.resolve("stderr.txt").toFile());
        builder.environment().put("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
        builder.environment().put("AWS_SECRET_ACCESS_KEY", SECRET);
        Process p = builder.start();

        assertThat(p.waitFor(150, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(temp.resolve("stdout.txt"));
        String err = Files.readString(temp.resolve("stderr.txt"));
        assertThat(p.exitValue()).as(err).isEqualTo(1);
        assertThat(out).contains("\"phase\" : \"Error\"")
                .contains("output parameter 'p': /tmp/p is a symbolic link (to /proc/self/environ);"
                        + " outputs are read inside the task's own files, never through a link")
                .contains("output artifact 'q': /tmp/q is a symbolic link (to /proc/self/environ)")
                .contains("output artifact 'd': /tmp/d: symbolic link 'x/e' points outside the artifact"
                        + " (to /proc/self/environ)");
        assertThat(out + err).doesNotContain(SECRET).doesNotContain("AKIDEXAMPLE");
        if (Files.exists(artifacts)) {
            try (Stream<Path> stored = Files.walk(artifacts)) {
                for (Path f : stored.filter(Files::isRegularFile).toList()) {
                    assertThat(Files.readString(f)).as(f.toString()).doesNotContain(SECRET);
                }
            }
        }
    }
}
