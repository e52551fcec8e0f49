package io.onepanel.workflow.engine;

import io.onepanel.workflow.artifact.TransferProgress;

/**
 * Hears a run as it goes. Calls come from the engine's threads, possibly concurrently for
 * different nodes; implementations must be quick and thread-safe.
 */
public interface RunListener {

    default void nodeChanged(NodeStatus node) {}

    /** One log line of a running node, without its line break. */
    default void log(NodeStatus node, String line) {}

    /** Something the engine or runtime says about a node (image not pulled, retrying in 10s, ...). */
    default void status(NodeStatus node, String message) {}

    default void transfer(NodeStatus node, TransferProgress progress) {}

    default void finished(RunResult result) {}

    RunListener NONE = new RunListener() {};
}
