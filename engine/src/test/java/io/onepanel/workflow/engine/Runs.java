package io.onepanel.workflow.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.runtime.TaskRuntime;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Loads a template from text and runs it to the end: the common first step of engine specifications. */
public final class Runs {

    private Runs() {}

    public static WorkflowEngine engine(TaskRuntime runtime) {
        return WorkflowEngine.builder().runtime(runtime).artifacts(new MemoryArtifactStore()).build();
    }

    public static LoadResult load(String yaml) {
        return engine(new ScriptedRuntime(r -> ScriptedRuntime.Outcome.ok(0))).load("test.yaml", yaml);
    }

    public static RunResult run(String yaml, TaskRuntime runtime) {
        return run(yaml, runtime, Map.of());
    }

    public static RunResult run(String yaml, TaskRuntime runtime, Map<String, String> parameters) {
        WorkflowEngine engine = engine(runtime);
        LoadResult loaded = engine.load("test.yaml", yaml);
        assertThat(loaded.errors()).as("template errors").isEmpty();
        try {
            return engine.start(loaded.workflow(), RunOptions.withParameters(parameters), RunListener.NONE)
                    .completion().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    public static NodePhase phaseOf(RunResult result, String nodeName) {
        return result.nodes().stream().filter(n -> n.name().equals(nodeName)).map(NodeStatus::phase).findFirst()
                .orElseThrow(() -> new AssertionError("no node " + nodeName + " in "
                        + result.nodes().stream().map(NodeStatus::name).toList()));
    }
}
