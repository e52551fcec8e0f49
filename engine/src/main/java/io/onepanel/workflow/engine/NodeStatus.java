package io.onepanel.workflow.engine;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of one node of a run, as Argo's {@code status.nodes} shows it. Immutable: a listener
 * gets a new one each time the node changes.
 *
 * @param id stable within a run ("main.B", "main.fan(1:b)", "main.B#2" for attempt 2)
 * @param name for people: the task's name, with the loop item or attempt
 * @param parentId the enclosing node, null for the entrypoint
 * @param podName for POD nodes, the pod's name ({@code {{pod.name}}}); null otherwise
 * @param reusedFrom for an attempt a retried run took over instead of running it: the name of the run
 *     that ran it (its outputs are that run's); null for what ran in this run
 */
public record NodeStatus(
        String id,
        String name,
        String parentId,
        NodeType type,
        String templateName,
        NodePhase phase,
        int attempt,
        String podName,
        Instant startedAt,
        Instant finishedAt,
        Integer exitCode,
        String message,
        String result,
        Map<String, String> outputParameters,
        String reusedFrom,
        String progress) {

    public NodeStatus {
        outputParameters = Map.copyOf(outputParameters);
    }

    public java.time.Duration duration() {
        if (startedAt == null) {
            return java.time.Duration.ZERO;
        }
        return java.time.Duration.between(startedAt, finishedAt != null ? finishedAt : Instant.now());
    }
}
