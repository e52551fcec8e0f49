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
 * next run removes the store (its lock is free: its owner is dead) and says so in one line, but keeps
 * the work directory while the killed run's journal says {@code resume} can continue it; the resumed
 * run removes it when it ends. A run that is still alive is never touched.
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
        Path runs = temp.resolve("runs");
        Process killed = CliProcess.of("run", big.toString(), "--work", work.toString(),
                        "--artifacts", artifacts.toString(), "--runs", runs.toString(), "--name", "killed-1")
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
                        "--artifacts", artifacts.toString(), "--runs", runs.toString())
                .redirectOutput(temp.resolve("next-out.txt").toFile())
                .redirectError(temp.resolve("next-err.txt").toFile()).start();
        assertThat(next.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(temp.resolve("next-err.txt"));
        assertThat(next.exitValue()).as(err).isZero();
        assertThat(err).startsWith("onepanel-workflow: removed what runs killed earlier left behind: 1 partial store, ")
                .contains("; kept the work of 1 run that `resume` can continue (their journals are under " + runs + ")");
        assertThat(children(work.resolve("runs"))).as("the killed run's work, kept for resume").hasSize(1);
        assertThat(children(staging)).isEmpty();

        Process resumed = CliProcess.of("resume", "killed-1", "--runs", runs.toString())
                .redirectOutput(temp.resolve("resumed-out.txt").toFile())
                .redirectError(temp.resolve("resumed-err.txt").toFile()).start();
        assertThat(resumed.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(resumed.exitValue()).as(Files.readString(temp.resolve("resumed-err.txt"))).isZero();
        assertThat(children(work.resolve("runs"))).as("the resumed run cleaned up after itself").isEmpty();
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
