package io.onepanel.workflow.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.runtime.RunInfo;
import io.onepanel.workflow.runtime.TaskExecution;
import io.onepanel.workflow.runtime.TaskPhase;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.template.Template;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Deadlines, cancel and close end the whole process tree before the result completes. */
@NeedsNamespaces
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LocalStopTest {

    @TempDir
    Path temp;

    LocalTaskRuntime runtime;
    RunInfo run = Tasks.run("stop");

    @BeforeEach
    void start() throws Exception {
        runtime = new LocalTaskRuntime(temp.resolve("work"),
                new FakeArtifactStore(Files.createDirectories(temp.resolve("store"))));
    }

    @AfterEach
    void stop() {
        runtime.close();
    }

    @Test
    void cancelKillsEveryProcessOfTheTreeBeforeTheResultCompletes() throws Exception {
        TaskExecution execution = runtime.start(Tasks.request(run,
                Tasks.container("tree", Tasks.container("sh", "-c", "sleep 1000 & sleep 1000").build())),
                new RecordingListener());
        List<ProcessHandle> sleeps = awaitProcesses("sleep", 2);
        List<ProcessHandle> tree = ProcessHandle.current().descendants().toList();

        execution.cancel("stop it");
        TaskResult result = execution.result().get();

        assertThat(result.phase()).isEqualTo(TaskPhase.FAILED);
        assertThat(result.message()).isEqualTo("cancelled: stop it");
        assertThat(tree).hasSizeGreaterThanOrEqualTo(4); // unshare, the setup shell, sh -c, two sleeps
        assertThat(tree).noneMatch(ProcessHandle::isAlive);
        for (ProcessHandle sleep : sleeps) {
            assertThat(Path.of("/proc", Long.toString(sleep.pid()))).as("pid " + sleep.pid()).doesNotExist();
        }
        assertThat(ProcessHandle.current().descendants()).isEmpty();
    }

    @Test
    void cancelIsIdempotentAndTheFirstReasonWins() throws Exception {
        TaskExecution execution = runtime.start(Tasks.request(run,
                Tasks.container("twice", Tasks.container("sleep", "1000").build())), new RecordingListener());
        awaitProcesses("sleep", 1);

        execution.cancel("first");
        execution.cancel("second");

        assertThat(execution.result().get().message()).isEqualTo("cancelled: first");
        execution.cancel("after the end");
        assertThat(execution.result().get().message()).isEqualTo("cancelled: first");
    }

    @Test
    void cancelAtOnceStopsTheAttemptWhereverItIs() throws Exception {
        TaskExecution execution = runtime.start(Tasks.request(run,
                Tasks.container("early", Tasks.container("sleep", "1000").build())), new RecordingListener());

        execution.cancel("early");

        TaskResult result = execution.result().get();
        assertThat(result.phase()).isEqualTo(TaskPhase.FAILED);
        assertThat(result.message()).isEqualTo("cancelled: early");
        assertThat(ProcessHandle.current().descendants()).isEmpty();
    }

    @Test
    void theDeadlineKillsTheTreeAndFailsTheAttempt() throws Exception {
        Template template = Tasks.container("slow", Tasks.container("sh", "-c", "sleep 1000 & sleep 1000").build());

        TaskResult result = runtime.start(Tasks.request(run, template, Tasks.workflow(), Duration.ofMillis(300)),
                new RecordingListener()).result().get();

        assertThat(result.phase()).isEqualTo(TaskPhase.FAILED);
        assertThat(result.message()).isEqualTo("deadline exceeded");
        assertThat(result.exitCode()).isEqualTo(137);
        assertThat(ProcessHandle.current().descendants()).isEmpty();
    }

    @Test
    void closeCancelsWhatRunsAndRefusesNewAttempts() throws Exception {
        TaskExecution execution = runtime.start(Tasks.request(run,
                Tasks.container("long", Tasks.container("sleep", "1000").build())), new RecordingListener());
        awaitProcesses("sleep", 1);

        runtime.close();

        assertThat(execution.result()).isDone();
        assertThat(execution.result().get().message()).isEqualTo("cancelled: the local runtime is closing");
        assertThat(ProcessHandle.current().descendants()).isEmpty();
        TaskResult late = runtime.start(Tasks.request(run, Tasks.container("late", Tasks.container("true").build())),
                new RecordingListener()).result().get();
        assertThat(late.phase()).isEqualTo(TaskPhase.ERROR);
        assertThat(late.message()).contains("closed");
    }

    @Test
    void theTreeDiesWithTheJvmThatStartedIt() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process jvm = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                DyingJvm.class.getName(), temp.toString()).redirectErrorStream(true).start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(jvm.getInputStream()))) {
            assertThat(out.readLine()).isEqualTo("started");
            List<ProcessHandle> sleeps = awaitProcesses("sleep", 2);

            jvm.destroyForcibly();
            jvm.waitFor();

            for (ProcessHandle sleep : sleeps) {
                sleep.onExit().get();
            }
            assertThat(sleeps).noneMatch(ProcessHandle::isAlive);
        }
    }

    /** Waits until {@code count} processes running {@code program} descend from this JVM. */
    private static List<ProcessHandle> awaitProcesses(String program, int count) throws InterruptedException {
        while (true) {
            List<ProcessHandle> found = ProcessHandle.current().descendants()
                    .filter(p -> p.info().command().map(c -> c.endsWith("/" + program)).orElse(false))
                    .toList();
            if (found.size() >= count) {
                return found;
            }
            Thread.sleep(20);
        }
    }
}
