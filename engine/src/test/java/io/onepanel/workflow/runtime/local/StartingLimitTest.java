package io.onepanel.workflow.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.runtime.TaskExecution;
import io.onepanel.workflow.runtime.TaskPhase;
import io.onepanel.workflow.runtime.TaskResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * At most {@link LocalRuntimeOptions#startingLimit()} attempts set up at once (the machine's cores
 * by default), so a wide DAG never starts thousands of processes together; once their commands
 * run, any number run side by side.
 */
@NeedsNamespaces
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StartingLimitTest {

    @TempDir
    Path temp;

    @Test
    void oneAtATimeSetsUpButAllThreeRunTogether() throws Exception {
        Path log = temp.resolve("setup.log");
        // Stands in for unshare: marks when each start begins and ends, slowly enough to overlap.
        Path unshare = temp.resolve("unshare");
        Files.writeString(unshare, "#!/bin/sh\necho begin >> '" + log + "'\nsleep 0.3\necho end >> '" + log
                + "'\nexec /usr/bin/unshare \"$@\"\n");
        Files.setPosixFilePermissions(unshare, PosixFilePermissions.fromString("rwxr-xr-x"));
        // Under the working directory, which tasks see; the test's /tmp directory they do not.
        Path meeting = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()),
                "meeting-");

        try (LocalTaskRuntime runtime = oneAtATime(unshare)) {
            List<TaskExecution> attempts = new ArrayList<>();
            for (String me : List.of("a", "b", "c")) {
                // Each waits (at most 60 s) until all three have arrived: they must run at once.
                attempts.add(runtime.start(Tasks.request(Tasks.run("limit"), Tasks.container(me, Tasks.container("sh",
                        "-c", "touch " + meeting.resolve(me) + "; i=0; while [ $(ls " + meeting + " | wc -l) -lt 3 ]"
                                + " && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; ls " + meeting + " | wc -l")
                        .build())), new RecordingListener()));
            }
            for (TaskExecution attempt : attempts) {
                TaskResult result = attempt.result().get();
                assertThat(result.phase()).as(result.message()).isEqualTo(TaskPhase.SUCCEEDED);
                assertThat(result.result().strip()).isEqualTo("3");
            }
        }
        FileTree.delete(meeting);
        // The probe, then three attempts: never two begins without an end between them.
        assertThat(Files.readAllLines(log)).containsExactly("begin", "end", "begin", "end", "begin", "end",
                "begin", "end");
    }

    @Test
    void attemptsWaitingToStartHoldNoThread() throws Exception {
        Path release = temp.resolve("release");
        Path holding = temp.resolve("holding");
        Path unshare = holdingUnshare(holding, release);

        try (LocalTaskRuntime runtime = oneAtATime(unshare)) {
            List<TaskExecution> attempts = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                attempts.add(runtime.start(Tasks.request(Tasks.run("wide"), Tasks.container("t" + i,
                        Tasks.container("true").build())), new RecordingListener()));
            }
            while (Files.notExists(holding)) {
                Thread.sleep(20);
            }

            assertThat(runtime.starts().waiting()).isEqualTo(99);
            // The one starting attempt's thread (and its unshare's pumps), never one per waiting attempt.
            assertThat(Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("onepanel-local-") && !t.getName().contains("timer")))
                    .hasSizeLessThanOrEqualTo(5);
            Files.createFile(release);
            for (TaskExecution attempt : attempts) {
                TaskResult result = attempt.result().get();
                assertThat(result.phase()).as(result.message()).isEqualTo(TaskPhase.SUCCEEDED);
            }
        }
    }

    @Test
    void anAttemptCancelledWhileWaitingToStartEndsWithoutWaitingForAPermit() throws Exception {
        Path release = temp.resolve("release");
        Path holding = temp.resolve("holding");
        Path unshare = holdingUnshare(holding, release);

        try (LocalTaskRuntime runtime = oneAtATime(unshare)) {
            TaskExecution first = runtime.start(Tasks.request(Tasks.run("wait"),
                    Tasks.container("first", Tasks.container("echo", "first").build())), new RecordingListener());
            while (Files.notExists(holding)) {
                Thread.sleep(20);
            }
            TaskExecution second = runtime.start(Tasks.request(Tasks.run("wait"),
                    Tasks.container("second", Tasks.container("echo", "second").build())), new RecordingListener());

            second.cancel("not needed");
            TaskResult cancelled = second.result().get();

            assertThat(cancelled.phase()).isEqualTo(TaskPhase.FAILED);
            assertThat(cancelled.message()).isEqualTo("cancelled: not needed");
            assertThat(first.result()).as("the permit's holder is still starting").isNotDone();
            Files.createFile(release);
            assertThat(first.result().get().result()).isEqualTo("first");
        }
    }

    /** Stands in for unshare: an attempt (not the probe) holds its start until the test releases it. */
    private Path holdingUnshare(Path holding, Path release) throws Exception {
        Path unshare = temp.resolve("unshare");
        Files.writeString(unshare, "#!/bin/sh\ncase \"$*\" in *onepanel-setup*) touch '" + holding + "'; i=0;"
                + " while [ ! -e '" + release + "' ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done;; esac\n"
                + "exec /usr/bin/unshare \"$@\"\n");
        Files.setPosixFilePermissions(unshare, PosixFilePermissions.fromString("rwxr-xr-x"));
        return unshare;
    }

    /** A runtime that starts one attempt at a time, through {@code unshare}. */
    private LocalTaskRuntime oneAtATime(Path unshare) throws Exception {
        return new LocalTaskRuntime(temp.resolve("work"),
                new FakeArtifactStore(Files.createDirectories(temp.resolve("store"))),
                LocalRuntimeOptions.defaults().withUnshare(unshare).withStartingLimit(1));
    }
}
