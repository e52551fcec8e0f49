package io.onepanel.workflow.dag;

import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.template.Artifact;
import java.time.Instant;
import java.util.List;

/**
 * Every event that changes a run, told to a durable record of it (the run's journal) as it happens,
 * so that the run can be rebuilt and continued after its process died. Called on the run's scheduler
 * thread only, in the order the events happen.
 */
public interface RunEvents {

    /** The run has started (or a resumed run has started again: its first start is kept). */
    default void started(Instant startedAt) {}

    default void nodeCreated(NodeStatus node) {}

    /**
     * A node's new state.
     *
     * @param outputArtifacts the node's output artifacts with the locations they were stored at
     */
    default void nodeChanged(NodeStatus node, List<Artifact> outputArtifacts) {}

    /**
     * An attempt was handed to the runtime.
     *
     * @param deadline when the attempt's deadline ({@code activeDeadlineSeconds}, {@code timeout}) ends
     *     it, or null
     * @param resumed whether a previous process of the run had started it and not seen it end
     */
    default void attemptStarted(String nodeId, Instant deadline, boolean resumed) {}

    /** A loop task's items, as they were expanded. */
    default void loopExpanded(String nodeId, List<Object> items) {}

    /** A retry node's next attempt is due at {@code due} (its backoff, as a wall-clock instant). */
    default void retryScheduled(String nodeId, int nextAttempt, Instant due) {}

    default void ended(RunResult result) {}

    RunEvents NONE = new RunEvents() {};
}
