package io.onepanel.workflow.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.engine.ScriptedRuntime.Outcome;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A cancelled run ends without waiting out a retry's backoff or a suspend: before, Ctrl-C during a
 * one-hour backoff held the command (and its clean-up) for that hour.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES) // a hang guard only
class CancelWhileWaitingTest {

    private static RunResult cancelOnceWaiting(String yaml, ScriptedRuntime runtime, String waitingFor)
            throws Exception {
        WorkflowEngine engine = Runs.engine(runtime);
        WorkflowRun run = engine.start(engine.load("test.yaml", yaml).workflow(), RunOptions.withParameters(Map.of()),
                RunListener.NONE);
        while (run.snapshot().stream().noneMatch(n -> n.name().equals(waitingFor) && n.phase().isDone())) {
            Thread.sleep(10);
        }
        run.cancel("stop");
        return run.completion().get(60, TimeUnit.SECONDS);
    }

    @Test
    void aTaskWaitingForItsNextAttemptEndsAsItsLastAttemptDid() throws Exception {
        RunResult result = cancelOnceWaiting("""
                entrypoint: main
                templates:
                - name: main
                  dag: {tasks: [{name: flaky, template: flaky}]}
                - name: flaky
                  retryStrategy: {limit: 3, backoff: {duration: 1h}}
                  container: {image: alpine, command: [flaky]}
                """, new ScriptedRuntime(r -> Outcome.fail(1, 1)), "flaky(0)");

        assertThat(result.phase()).isEqualTo(NodePhase.FAILED);
        assertThat(result.message()).isEqualTo("stop");
        assertThat(Runs.phaseOf(result, "flaky")).isEqualTo(NodePhase.FAILED);
        assertThat(result.nodes()).extracting(NodeStatus::name).doesNotContain("flaky(1)");
    }

    @Test
    void aDagWaitingForItsNextAttemptEndsToo() throws Exception {
        RunResult result = cancelOnceWaiting("""
                entrypoint: main
                templates:
                - name: main
                  dag: {tasks: [{name: inner, template: inner}]}
                - name: inner
                  retryStrategy: {limit: 3, backoff: {duration: 1h}}
                  dag: {tasks: [{name: t, template: t}]}
                - name: t
                  container: {image: alpine, command: [t]}
                """, new ScriptedRuntime(r -> Outcome.fail(1, 1)), "inner(0)");

        assertThat(result.phase()).isEqualTo(NodePhase.FAILED);
        assertThat(result.nodes()).extracting(NodeStatus::name).doesNotContain("inner(1)");
    }

    @Test
    void aSuspendEndsAtOnce() throws Exception {
        WorkflowEngine engine = Runs.engine(new ScriptedRuntime(r -> Outcome.ok(1)));
        WorkflowRun run = engine.start(engine.load("test.yaml", """
                entrypoint: main
                templates:
                - name: main
                  dag: {tasks: [{name: pause, template: pause}]}
                - name: pause
                  suspend: {duration: 1h}
                """).workflow(), RunOptions.withParameters(Map.of()), RunListener.NONE);
        while (run.snapshot().stream().noneMatch(n -> n.name().equals("pause") && n.phase() == NodePhase.RUNNING)) {
            Thread.sleep(10);
        }

        run.cancel("stop");

        RunResult result = run.completion().get(60, TimeUnit.SECONDS);
        assertThat(Runs.phaseOf(result, "pause")).isEqualTo(NodePhase.FAILED);
    }
}
