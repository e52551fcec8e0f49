package io.onepanel.workflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed with SIGKILL cannot clean up: its work directory and a half-written store stay. The
 * next run removes them (their locks are free: their owner is dead) and says so in one line; a run
 * that is still alive is never touched.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES) // a hang guard only
class LeftoversIT {

    @TempDir
    Path temp;

    @Test
    void theNextRunRemovesWhatARunKilledWithSigkillLeft() throws Exception {
        CliProcess.assumeLinuxWithShell();
        Path work = temp.resolve("work");
        Path artifacts = temp.resolve("artifacts");
        Path big = Files.writeString(temp.resolve("big.yaml"), """
                entrypoint: main
                templates:
                - name: main
                  dag: {tasks: [{name: A, template: a}]}
                - name: a
                  container: {image: alpine, command: [sh, -c, "head -c 200000000 /dev/zero > /tmp/big.bin"]}
                  outputs: {artifacts: [{name: big, path: /tmp/big.bin}]}
                """);
        Process killed = CliProcess.of("run", big.toString(), "--work", work.toString(),
                        "--artifacts", artifacts.toString())
                .redirectOutput(temp.resolve("killed-out.txt").toFile())
                .redirectError(temp.resolve("killed-err.txt").toFile()).start();
        Path staging = artifacts.resolve(".staging");
        // Wait until the output is being stored, then kill the command line as the kernel would.
        long waited = 0;
        while (children(staging).isEmpty() && killed.isAlive() && waited < 120_000) {
            Thread.sleep(5);
            waited += 5;
        }
        assertThat(children(staging)).as("a store in progress; stderr: %s",
                Files.readString(temp.resolve("killed-err.txt"))).isNotEmpty();
        assertThat(new ProcessBuilder("kill", "-KILL", Long.toString(killed.pid())).start().waitFor()).isZero();
        assertThat(killed.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(children(work.resolve("runs"))).as("what the killed run left").hasSize(1);
        assertThat(children(staging)).as("the partial store it left").hasSize(1);

        Path small = Files.writeString(temp.resolve("small.yaml"), CliProcess.ECHO);
        Process next = CliProcess.of("run", small.toString(), "--work", work.toString(),
                        "--artifacts", artifacts.toString())
                .redirectOutput(temp.resolve("next-out.txt").toFile())
                .redirectError(temp.resolve("next-err.txt").toFile()).start();
        assertThat(next.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(temp.resolve("next-err.txt"));
        assertThat(next.exitValue()).as(err).isZero();
        assertThat(err).startsWith("onepanel-workflow: removed what runs killed earlier left behind: 1 work directory"
                + " under " + work.toRealPath().resolve("runs") + " and 1 partial store, ");
        assertThat(children(work.resolve("runs"))).isEmpty();
        assertThat(children(staging)).isEmpty();
    }

    private static List<Path> children(Path directory) throws Exception {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(directory)) {
            return list.toList();
        }
    }
}
