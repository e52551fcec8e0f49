package io.onepanel.workflow.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.RetryOptions;
import io.onepanel.workflow.engine.RunListener;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.engine.ScriptedRuntime;
import io.onepanel.workflow.engine.ScriptedRuntime.Outcome;
import io.onepanel.workflow.engine.WorkflowRun;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.template.Artifact;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retrying an ended run, as {@code argo retry} does: a new run reruns the failed, errored and
 * cancelled tasks and every task after them, and takes over the rest with their outputs.
 */
class RetryTest {

    static final String DIAMOND = """
            entrypoint: main
            templates:
            - name: main
              dag:
                tasks:
                - {name: A, template: make}
                - {name: B, depends: A, template: echo, arguments: {parameters: [{name: m, value: "{{tasks.A.outputs.parameters.p}}"}]}}
                - {name: C, depends: A, template: echo, arguments: {parameters: [{name: m, value: c}]}}
                - name: D
                  depends: B && C
                  template: use
                  arguments:
                    parameters: [{name: m, value: "{{tasks.B.outputs.result}}"}]
                    artifacts: [{name: model, from: "{{tasks.A.outputs.artifacts.model}}"}]
            - name: make
              outputs:
                parameters: [{name: p, valueFrom: {path: /tmp/p}}]
                artifacts: [{name: model, path: /tmp/model}]
              container: {image: alpine, command: [make]}
            - name: echo
              inputs: {parameters: [{name: m}]}
              container: {image: alpine, command: [echo, "{{inputs.parameters.m}}"]}
            - name: use
              inputs:
                parameters: [{name: m}]
                artifacts: [{name: model, path: /in/model}]
              container: {image: alpine, command: [use, "{{inputs.parameters.m}}"]}
            """;

    @TempDir
    Path temp;

    static Outcome firstRun(TaskRequest r) {
        return switch (r.taskName()) {
            case "A" -> new Outcome(5, TaskResult.succeeded(null, Map.of("p", "from-A"),
                    r.template().outputs().artifacts()));
            case "B" -> Outcome.ok(5, "B said " + r.template().container().getCommand().get(1), Map.of());
            case "C" -> Outcome.fail(5, 3);
            default -> Outcome.ok(5);
        };
    }

    private RecordedRun ended(String yaml, ScriptedRuntime runtime) {
        Path dir = temp.resolve("runs/run-1");
        Journaled.end(Journaled.start(runtime, yaml, dir));
        return RecordedRun.read(dir);
    }

    private RunResult retry(RecordedRun old, String from, ScriptedRuntime runtime) {
        WorkflowRun run = Journaled.engine(runtime).retry(old, new RetryOptions(from, "run-2",
                JournalDirectory.under(temp.resolve("runs"))), RunListener.NONE);
        return Journaled.end(run);
    }

    static NodeStatus node(RunResult result, String name) {
        return result.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aFailedDiamondRerunsOnlyItsFailedTaskAndWhatFollowsWithTheEarlierOutputs() {
        RecordedRun old = ended(DIAMOND, new ScriptedRuntime(RetryTest::firstRun));
        assertThat(old.result().orElseThrow().phase()).isEqualTo(NodePhase.FAILED);
        ScriptedRuntime again = new ScriptedRuntime(r -> Outcome.ok(5));

        RunResult result = retry(old, null, again);

        assertThat(result.phase()).isEqualTo(NodePhase.SUCCEEDED);
        assertThat(again.started()).containsExactly("C", "D");
        TaskRequest d = again.events().get(again.index("start", "D")).request();
        assertThat(d.template().container().getCommand()).containsExactly("use", "B said from-A");
        NodeStatus oldA = JournalRebuildTest.node(old, "A");
        Artifact model = d.template().inputs().artifacts().get(0);
        assertThat(model.s3().key()).as("D reads the object A stored in the first run")
                .isEqualTo("artifacts/default/run-1/" + oldA.podName() + "/model");
        for (String reused : new String[] {"A", "B"}) {
            NodeStatus n = node(result, reused);
            NodeStatus before = JournalRebuildTest.node(old, reused);
            assertThat(n.reusedFrom()).isEqualTo("run-1");
            assertThat(n.startedAt()).isEqualTo(before.startedAt());
            assertThat(n.podName()).isEqualTo(before.podName());
            assertThat(n.outputParameters()).isEqualTo(before.outputParameters());
        }
        assertThat(node(result, "C").reusedFrom()).isNull();
        RecordedRun retried = RecordedRun.read(temp.resolve("runs/run-2"));
        assertThat(retried.header().retryOf()).isEqualTo("run-1");
        assertThat(retried.nodes()).isEqualTo(result.nodes());
        assertThat(retried.summary().reused()).isEqualTo(2);
    }

    @Test
    void fromATaskRerunsItAndWhatFollowsItEvenInARunThatSucceeded() {
        RecordedRun old = ended(DIAMOND, new ScriptedRuntime(r -> r.taskName().equals("C") ? Outcome.ok(5)
                : firstRun(r)));
        assertThat(old.result().orElseThrow().succeeded()).isTrue();
        ScriptedRuntime again = new ScriptedRuntime(r -> Outcome.ok(5, "again", Map.of()));

        RunResult result = retry(old, "B", again);

        assertThat(again.started()).containsExactly("B", "D");
        assertThat(node(result, "C").reusedFrom()).isEqualTo("run-1");
        assertThat(again.events().get(again.index("start", "D")).request().template().container().getCommand())
                .containsExactly("use", "again");
    }

    @Test
    void aLoopRerunsOnlyItsFailedItems() {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: fan, template: echo, withItems: [a, b, c], arguments: {parameters: [{name: m, value: "{{item}}"}]}}
                    - {name: after, depends: fan, template: echo, arguments: {parameters: [{name: m, value: z}]}}
                - name: echo
                  inputs: {parameters: [{name: m}]}
                  container: {image: alpine, command: [echo, "{{inputs.parameters.m}}"]}
                """;
        RecordedRun old = ended(yaml, new ScriptedRuntime(r -> r.taskName().equals("fan(1:b)") ? Outcome.fail(5, 1)
                : Outcome.ok(5)));
        ScriptedRuntime again = new ScriptedRuntime(r -> Outcome.ok(5));

        RunResult result = retry(old, null, again);

        assertThat(again.started()).containsExactly("fan(1:b)", "after");
        assertThat(result.phase()).isEqualTo(NodePhase.SUCCEEDED);
    }

    @Test
    void aTaskWhoseRetriesAllFailedRerunsFromItsFirstAttempt() {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag: {tasks: [{name: flaky, template: flaky}]}
                - name: flaky
                  retryStrategy: {limit: 1}
                  container: {image: alpine, command: [flaky]}
                """;
        RecordedRun old = ended(yaml, new ScriptedRuntime(r -> Outcome.fail(5, 1)));
        ScriptedRuntime again = new ScriptedRuntime(r -> Outcome.ok(5));

        retry(old, null, again);

        assertThat(again.started()).containsExactly("flaky(0)");
    }

    @Test
    void aFailureALaterTaskHandledStaysAsItWasAsInArgo() {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: A, template: t}
                    - {name: handler, depends: A.Failed, template: t}
                    - {name: next, depends: A, template: t}
                - name: t
                  container: {image: alpine, command: [t]}
                """;
        RecordedRun old = ended(yaml, new ScriptedRuntime(r -> r.taskName().equals("A") ? Outcome.fail(5, 1)
                : Outcome.ok(5)));
        assertThat(old.result().orElseThrow().phase()).isEqualTo(NodePhase.FAILED);
        ScriptedRuntime again = new ScriptedRuntime(r -> Outcome.ok(5));

        RunResult result = retry(old, null, again);

        assertThat(again.started()).isEmpty();
        assertThat(node(result, "next").phase()).isEqualTo(NodePhase.OMITTED);
    }

    @Test
    void whatCannotBeRetriedIsRefusedWithWhy() {
        RecordedRun succeeded = ended(DIAMOND, new ScriptedRuntime(r -> r.taskName().equals("C") ? Outcome.ok(5)
                : firstRun(r)));
        ScriptedRuntime again = new ScriptedRuntime(r -> Outcome.ok(5));

        assertThatThrownBy(() -> retry(succeeded, null, again)).isInstanceOf(JournalException.class)
                .hasMessage("run run-1 succeeded: there is nothing to retry (name a task to rerun with what follows"
                        + " it)");
        assertThatThrownBy(() -> retry(succeeded, "Z", again)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--from Z: the run has no task of that name; its tasks are A, B, C, D");
        assertThat(again.started()).isEmpty();
        assertThat(temp.resolve("runs/run-2")).doesNotExist();
    }

    @Test
    void aRunWhoseProcessDiedIsResumedNotRetried() {
        Path dir = temp.resolve("runs/run-1");
        WorkflowRun run = Journaled.start(new ScriptedRuntime(r -> Outcome.ok(600_000)), DIAMOND, dir);
        Journaled.await(() -> ResumeTest.phase(RecordedRun.read(dir), "A", NodePhase.RUNNING), "A to run");
        Path copy = Journaled.crashCopy(dir, temp.resolve("killed/run-1"));
        run.cancel("done");
        Journaled.end(run);

        assertThatThrownBy(() -> retry(RecordedRun.read(copy), null, new ScriptedRuntime(r -> Outcome.ok(5))))
                .isInstanceOf(JournalException.class)
                .hasMessage("run run-1 did not end (its process died): resume it instead");
    }
}
