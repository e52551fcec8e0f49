package io.onepanel.workflow.engine;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * A run in a few values, for a caller that keeps only a summary (a Jenkins build's record) while
 * the node list lives in the run's journal.
 *
 * @param tasks how many tasks (attempts, skipped tasks, suspends: what people count) are in each phase
 * @param reused how many attempts a retried run took over from the run it retries
 */
public record RunSummary(
        String workflowName,
        NodePhase phase,
        String message,
        Instant startedAt,
        Instant finishedAt,
        Map<String, String> outputs,
        Map<NodePhase, Integer> tasks,
        int reused) {

    public RunSummary {
        outputs = Map.copyOf(outputs);
        tasks = Map.copyOf(tasks);
    }

    public static RunSummary of(RunResult result) {
        Map<NodePhase, Integer> tasks = new EnumMap<>(NodePhase.class);
        int reused = 0;
        for (NodeStatus n : result.nodes()) {
            if (isTask(n)) {
                tasks.merge(n.phase(), 1, Integer::sum);
                if (n.reusedFrom() != null) {
                    reused++;
                }
            }
        }
        return new RunSummary(result.workflowName(), result.phase(), result.message(), result.startedAt(),
                result.finishedAt(), result.outputs(), tasks, reused);
    }

    /** Tasks are what people count: attempts, skipped tasks and suspends, not DAGs, loops or retry nodes. */
    public static boolean isTask(NodeStatus node) {
        return node.type() == NodeType.POD || node.type() == NodeType.SKIPPED || node.type() == NodeType.SUSPEND;
    }
}
