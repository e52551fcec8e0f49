package io.onepanel.workflow.engine;

import io.onepanel.workflow.artifact.TransferProgress;

/**
 * Hears a run as it goes. Calls come from the engine's threads, possibly concurrently for
 * different nodes; implementations must be quick and thread-safe.
 */
public interface RunListener {

    default void nodeChanged(NodeStatus node) {}

    /**
     * A node's children, known before any of them has a node: a DAG's tasks as it starts, a loop's
     * items as it expands. Lets a caller lay out what will run (one Pipeline branch per task) ahead
     * of the engine creating each child when its turn comes.
     */
    default void planned(NodeStatus parent, java.util.List<PlannedNode> children) {}

    /**
     * A planned node is done with all it will do: a task after its exit handlers ({@code onExit},
     * {@code hooks.exit}), when its dependents may go; a loop item once it ended. Its node's own end
     * ({@link #nodeChanged}) can come earlier, while its exit handlers still run.
     */
    default void settled(NodeStatus node) {}

    /** One log line of a running node, without its line break. */
    default void log(NodeStatus node, String line) {}

    /** Something the engine or runtime says about a node (image not pulled, retrying in 10s, ...). */
    default void status(NodeStatus node, String message) {}

    default void transfer(NodeStatus node, TransferProgress progress) {}

    default void finished(RunResult result) {}

    RunListener NONE = new RunListener() {};
}
