package io.onepanel.workflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.artifact.SilentServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGINT and SIGTERM during a run, sent to the shaded jar in a process of its own: each cancels the
 * run, is reported as what it is, and ends the command with the status a shell gives (128 + the
 * signal's number). Needs Linux (signals, and the local runtime's namespaces) and {@code sh}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES) // a hang guard only
class SignalsIT {

    @TempDir
    Path temp;

    private Process startLongRun() throws Exception {
        return start("""
                entrypoint: main
                templates:
                - name: main
                  dag: {tasks: [{name: wait, template: wait}]}
                - name: wait
                  container: {image: alpine, command: [sh, -c, "echo started; sleep 120"]}
                """, "started");
    }

    /** Starts a run of {@code yaml} and returns once its output has shown {@code shown}. */
    private Process start(String yaml, String shown) throws Exception {
        CliProcess.assumeLinuxWithShell();
        Path file = Files.writeString(temp.resolve("run.yaml"), yaml);
        Process p = CliProcess.of("run", file.toString(), "--work", temp.resolve("work").toString(),
                        "--artifacts", temp.resolve("artifacts").toString(),
                        "--runs", temp.resolve("runs").toString())
                .redirectError(temp.resolve("stderr.txt").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.contains(shown)) {
            // the task has not started yet
        }
        assertThat(line).as("the task's output; stderr: %s", Files.readString(temp.resolve("stderr.txt")))
                .isNotNull();
        new Thread(() -> out.lines().forEach(l -> { }), "drain").start();
        return p;
    }

    private void signal(Process p, String name) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).start().waitFor()).isZero();
    }

    @Test
    void sigtermCancelsTheRunAndExitsWith143() throws Exception {
        Process p = startLongRun();

        signal(p, "TERM");

        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(temp.resolve("stderr.txt"));
        assertThat(p.exitValue()).as(err).isEqualTo(143);
        assertThat(err).contains("Terminated (SIGTERM): cancelling", "Cancelled; nothing of the run is left running.")
                .doesNotContain("Ctrl-C");
    }

    /**
     * A git input from a server that accepts and never answers: JGit blocks in a read that cannot be
     * interrupted, and its idle timeout is minutes; SIGTERM still ends the run at once.
     */
    @Test
    void sigtermEndsAGitFetchFromASilentServerAtOnce() throws Exception {
        try (SilentServer server = new SilentServer(SilentServer.Manner.SILENT)) {
            Process p = start("""
                    entrypoint: main
                    templates:
                    - name: main
                      dag: {tasks: [{name: clone, template: clone}]}
                    - name: clone
                      inputs: {artifacts: [{name: src, path: /tmp/src, git: {repo: "%s"}}]}
                      container: {image: alpine, command: [ls, /tmp/src]}
                    """.formatted(server.url("/repo.git")), "fetching input artifact 'src'");
            assertThat(server.accepted().await(60, TimeUnit.SECONDS)).isTrue();

            signal(p, "TERM");

            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the run ended after SIGTERM").isTrue();
            String err = Files.readString(temp.resolve("stderr.txt"));
            assertThat(p.exitValue()).as(err).isEqualTo(143);
            assertThat(err).contains("Cancelled; nothing of the run is left running.");
        }
    }

    /** The S3 check before anything runs waits on an endpoint that never answers: Ctrl-C ends it and says so. */
    @Test
    void sigintDuringTheS3CheckSaysSoAndExitsWith130() throws Exception {
        CliProcess.assumeLinuxWithShell();
        Path file = Files.writeString(temp.resolve("run.yaml"), CliProcess.ECHO);
        try (SilentServer server = new SilentServer(SilentServer.Manner.SILENT)) {
            ProcessBuilder builder = CliProcess.of("run", file.toString(), "--work", temp.resolve("work").toString(),
                    "--s3-bucket", "b", "--s3-endpoint", server.url(""))
                    .redirectOutput(temp.resolve("stdout.txt").toFile())
                    .redirectError(temp.resolve("stderr.txt").toFile());
            builder.environment().put("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
            builder.environment().put("AWS_SECRET_ACCESS_KEY", "not-used");
            Process p = builder.start();
            assertThat(server.accepted().await(90, TimeUnit.SECONDS)).as("the check reached the endpoint").isTrue();

            signal(p, "INT");

            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String err = Files.readString(temp.resolve("stderr.txt"));
            assertThat(p.exitValue()).as(err).isEqualTo(130);
            assertThat(err).contains("Interrupted (SIGINT, Ctrl-C) while checking the artifact repository; nothing ran.");
            assertThat(Files.readString(temp.resolve("stdout.txt"))).doesNotContain("Running");
        }
    }

    @Test
    void sigintCancelsTheRunAndExitsWith130() throws Exception {
        Process p = startLongRun();

        signal(p, "INT");

        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(temp.resolve("stderr.txt"));
        assertThat(p.exitValue()).as(err).isEqualTo(130);
        assertThat(err).contains("Interrupted (SIGINT, Ctrl-C): cancelling",
                "Cancelled; nothing of the run is left running.");
    }
}
