package io.onepanel.workflow.engine;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * How a run ended.
 *
 * @param outputs global outputs ({@code globalName}) and the entrypoint DAG's output parameters
 * @param nodes every node of the run, parents before children
 */
public record RunResult(
        String workflowName,
        NodePhase phase,
        String message,
        Instant startedAt,
        Instant finishedAt,
        Map<String, String> outputs,
        List<NodeStatus> nodes) {

    public RunResult {
        outputs = Map.copyOf(outputs);
        nodes = List.copyOf(nodes);
    }

    public boolean succeeded() {
        return phase == NodePhase.SUCCEEDED;
    }
}
