package io.onepanel.workflow.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.RunListener;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.engine.ScriptedRuntime;
import io.onepanel.workflow.engine.ScriptedRuntime.Outcome;
import io.onepanel.workflow.engine.WorkflowRun;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.runtime.TaskRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose process died continues from its journal: what ended keeps its results and does not
 * run again, what was running runs again (or is reattached), and retry counts, loop items and
 * deadlines go on as they were. The process's death is what it leaves on disk: a copy of its run
 * directory, unlocked, taken while it ran.
 */
class ResumeTest {

    /** A, then B and C, then D, which reads B's result and A's artifact (see {@link RetryTest#DIAMOND}). */
    static final String DIAMOND = RetryTest.DIAMOND;

    private static final long FOREVER = 600_000;

    @TempDir
    Path temp;

    /** The first run of the diamond, with C running until the process dies. */
    static Outcome holdingC(TaskRequest r) {
        return r.taskName().equals("C") ? Outcome.ok(FOREVER) : RetryTest.firstRun(r);
    }

    /** Runs {@code yaml} until the journal shows {@code when}, then leaves what a SIGKILL would leave. */
    private Path killedWhen(String yaml, ScriptedRuntime runtime, Predicate<RecordedRun> when) {
        Path dir = temp.resolve("run-1");
        WorkflowRun run = Journaled.start(runtime, yaml, dir);
        Journaled.await(() -> when.test(RecordedRun.read(dir)), "the journal to show the moment of the crash");
        Path copy = Journaled.crashCopy(dir, temp.resolve("killed/run-1"));
        run.cancel("the test is done with it");
        Journaled.end(run);
        return copy;
    }

    private static RunResult resume(Path dir, TaskRuntime runtime) {
        return Journaled.end(Journaled.engine(runtime).resume(RecordedRun.read(dir), RunListener.NONE));
    }

    static boolean phase(RecordedRun run, String name, NodePhase phase) {
        return run.nodes().stream().anyMatch(n -> n.name().equals(name) && n.phase() == phase);
    }

    static NodeStatus node(RunResult result, String name) {
        return result.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void whatEndedIsTakenOverAndWhatWasRunningRunsAgain() {
        Path dir = killedWhen(DIAMOND, new ScriptedRuntime(ResumeTest::holdingC),
                j -> phase(j, "B", NodePhase.SUCCEEDED) && phase(j, "C", NodePhase.RUNNING));
        RecordedRun before = RecordedRun.read(dir);
        ScriptedRuntime again = new ScriptedRuntime(r -> Outcome.ok(5, r.taskName() + "?", Map.of()));
        Journaled.Resuming resuming = new Journaled.Resuming(again);

        RunResult result = resume(dir, resuming);

        assertThat(result.phase()).isEqualTo(NodePhase.SUCCEEDED);
        assertThat(again.started()).containsExactly("C", "D");
        assertThat(resuming.resumed).containsExactly("C");
        // D's argument is B's recorded output, its artifact the object A stored: neither ran again.
        TaskRequest d = again.events().get(again.index("start", "D")).request();
        assertThat(d.template().container().getCommand()).containsExactly("use", "B said from-A");
        assertThat(d.template().inputs().artifacts().get(0).s3().key())
                .isEqualTo("artifacts/default/run-1/" + JournalRebuildTest.node(before, "A").podName() + "/model");
        for (String taken : new String[] {"A", "B"}) {
            assertThat(node(result, taken)).as(taken).isEqualTo(JournalRebuildTest.node(before, taken));
        }
        assertThat(result.startedAt()).isEqualTo(before.startedAt());
        java.util.List<String> order = new java.util.ArrayList<>(before.nodes().stream().map(NodeStatus::name)
                .toList());
        order.add("D");
        assertThat(result.nodes()).extracting(NodeStatus::name).containsExactlyElementsOf(order);
        RecordedRun after = RecordedRun.read(dir);
        assertThat(after.nodes()).as("the journal, continued, is the resumed run").isEqualTo(result.nodes());
        assertThat(after.result()).contains(result);
        assertThat(after.resumes()).isEqualTo(1);
    }

    static final String FLAKY = """
            entrypoint: main
            templates:
            - name: main
              dag: {tasks: [{name: flaky, template: flaky}]}
            - name: flaky
              retryStrategy: {limit: 3, backoff: {duration: "%s"}}
              container: {image: alpine, command: [flaky]}
            """;

    @Test
    void aRetriedTaskGoesOnCountingItsAttempts() {
        Path dir = killedWhen(FLAKY.formatted("1ms"), new ScriptedRuntime(r -> r.attempt() == 0 ? Outcome.fail(5, 1)
                : Outcome.ok(FOREVER)), j -> phase(j, "flaky(1)", NodePhase.RUNNING));
        ScriptedRuntime again = new ScriptedRuntime(r -> Outcome.ok(5));

        RunResult result = resume(dir, again);

        assertThat(again.started()).containsExactly("flaky(1)");
        assertThat(again.events().get(0).request().attempt()).isEqualTo(1);
        assertThat(result.phase()).isEqualTo(NodePhase.SUCCEEDED);
        assertThat(node(result, "flaky(0)").phase()).isEqualTo(NodePhase.FAILED);
    }

    @Test
    void aRetryThatWasWaitingForItsBackoffStartsWhenTheJournalSaysItIsDue() throws Exception {
        Path dir = killedWhen(FLAKY.formatted("1h"), new ScriptedRuntime(r -> Outcome.fail(5, 1)),
                j -> phase(j, "flaky(0)", NodePhase.FAILED) && lines(j).contains("\"e\":\"retry\""));
        // The hour has passed: the recorded due time, not a new backoff, decides.
        Path journal = dir.resolve("journal.jsonl");
        Files.writeString(journal, Files.readString(journal).replaceAll("\"due\":\"[^\"]+\"",
                "\"due\":\"" + Instant.now().minus(Duration.ofMinutes(1)) + "\""));
        ScriptedRuntime again = new ScriptedRuntime(r -> Outcome.ok(5));

        RunResult result = resume(dir, again);

        assertThat(again.started()).containsExactly("flaky(1)");
        assertThat(result.phase()).isEqualTo(NodePhase.SUCCEEDED);
    }

    private static String lines(RecordedRun run) {
        try {
            return Files.readString(run.directory().resolve("journal.jsonl"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aLoopGoesOnWithTheItemsItWasExpandedTo() throws Exception {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: A, template: make}
                    - {name: fan, depends: A, template: echo, withParam: "{{tasks.A.outputs.parameters.p}}",
                       arguments: {parameters: [{name: m, value: "{{item}}"}]}}
                - name: make
                  outputs: {parameters: [{name: p, valueFrom: {path: /tmp/p}}]}
                  container: {image: alpine, command: [make]}
                - name: echo
                  inputs: {parameters: [{name: m}]}
                  container: {image: alpine, command: [echo, "{{inputs.parameters.m}}"]}
                """;
        Path dir = killedWhen(yaml, new ScriptedRuntime(r -> r.taskName().equals("A")
                ? Outcome.ok(5, null, Map.of("p", "[1, 2]")) : Outcome.ok(r.taskName().startsWith("fan(0")
                        ? 5 : FOREVER)), j -> phase(j, "fan(0:1)", NodePhase.SUCCEEDED)
                        && phase(j, "fan(1:2)", NodePhase.RUNNING));
        ScriptedRuntime again = new ScriptedRuntime(r -> Outcome.ok(5));

        RunResult result = resume(dir, again);

        assertThat(again.started()).containsExactly("fan(1:2)");
        assertThat(result.nodes()).extracting(NodeStatus::name).containsSubsequence("fan(0:1)", "fan(1:2)");
        assertThat(Files.readString(dir.resolve("journal.jsonl")).split("\"e\":\"loop\"", -1))
                .as("the loop is expanded once").hasSize(2);
    }

    @Test
    void theWorkflowsDeadlineCountsFromItsFirstStart() throws Exception {
        String yaml = "activeDeadlineSeconds: 3600\n" + DIAMOND;
        Path dir = killedWhen(yaml, new ScriptedRuntime(ResumeTest::holdingC),
                j -> phase(j, "C", NodePhase.RUNNING));
        Path journal = dir.resolve("journal.jsonl");
        // The run started two hours ago (as far as the journal says), so its hour is over.
        Files.writeString(journal, Files.readString(journal).replaceFirst("\\{\"e\":\"started\",\"at\":\"[^\"]+\"",
                "{\"e\":\"started\",\"at\":\"" + Instant.now().minus(Duration.ofHours(2)) + "\""));
        ScriptedRuntime again = new ScriptedRuntime(r -> Outcome.ok(FOREVER));

        RunResult result = resume(dir, again);

        assertThat(result.phase()).isEqualTo(NodePhase.FAILED);
        assertThat(result.message()).contains("activeDeadlineSeconds (3600s) was exceeded");
    }

    @Test
    void anAttemptThatWasRunningKeepsItsDeadline() throws Exception {
        String yaml = DIAMOND.replace("""
                - name: echo
                """, """
                - name: echo
                  activeDeadlineSeconds: 3600
                """);
        Path dir = killedWhen(yaml, new ScriptedRuntime(ResumeTest::holdingC),
                j -> phase(j, "C", NodePhase.RUNNING));
        String recorded = Files.readString(dir.resolve("journal.jsonl"));
        Instant deadline = Instant.parse(recorded.replaceAll(
                "(?s).*\"e\":\"attempt\",\"id\":\"run-1\\.C\",\"deadline\":\"([^\"]+)\".*", "$1"));
        ScriptedRuntime again = new ScriptedRuntime(r -> Outcome.ok(5));
        Instant before = Instant.now();

        resume(dir, again);

        Duration timeout = again.events().get(again.index("start", "C")).request().timeout();
        assertThat(timeout).isLessThanOrEqualTo(Duration.between(before, deadline));
        assertThat(Duration.ofHours(1).minus(timeout)).isPositive();
    }

    @Test
    void aRunThatIsStillRunningIsNotResumed() {
        Path dir = temp.resolve("run-1");
        WorkflowRun run = Journaled.start(new ScriptedRuntime(r -> Outcome.ok(FOREVER)), DIAMOND, dir);
        try {
            Journaled.await(() -> phase(RecordedRun.read(dir), "A", NodePhase.RUNNING), "A to run");
            RecordedRun alive = RecordedRun.read(dir);

            assertThat(alive.runningIn()).contains("process " + ProcessHandle.current().pid());
            assertThatThrownBy(() -> Journaled.engine(new ScriptedRuntime(r -> Outcome.ok(5))).resume(alive,
                    RunListener.NONE)).isInstanceOf(JournalException.class)
                    .hasMessageStartingWith("run run-1 is still running (process " + ProcessHandle.current().pid()
                            + " holds " + dir.resolve("lock") + ")");
        } finally {
            run.cancel("done");
            Journaled.end(run);
        }
    }

    @Test
    void aRunThatEndedIsNotResumed() {
        Path dir = temp.resolve("run-1");
        Journaled.end(Journaled.start(new ScriptedRuntime(RetryTest::firstRun), DIAMOND, dir));

        assertThatThrownBy(() -> Journaled.engine(new ScriptedRuntime(r -> Outcome.ok(5))).resume(
                RecordedRun.read(dir), RunListener.NONE)).isInstanceOf(JournalException.class)
                .hasMessage("run run-1 has ended (Failed): there is nothing to resume; retry reruns its failed tasks");
    }

    @Test
    void aJournalCutShortMidLineIsContinuedFromItsLastWholeLine() throws Exception {
        Path dir = killedWhen(DIAMOND, new ScriptedRuntime(ResumeTest::holdingC), j -> phase(j, "B", NodePhase.SUCCEEDED)
                && phase(j, "C", NodePhase.RUNNING));
        Files.writeString(dir.resolve("journal.jsonl"), "{\"e\":\"state\",\"id\":\"run-1.C\",\"ph",
                java.nio.file.StandardOpenOption.APPEND);

        RunResult result = resume(dir, new ScriptedRuntime(r -> Outcome.ok(5)));

        RecordedRun after = RecordedRun.read(dir);
        assertThat(after.warnings()).isEmpty();
        assertThat(after.nodes()).isEqualTo(result.nodes());
        assertThat(result.phase()).isEqualTo(NodePhase.SUCCEEDED);
    }
}
