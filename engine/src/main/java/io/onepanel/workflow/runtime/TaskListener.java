package io.onepanel.workflow.runtime;

import io.onepanel.workflow.artifact.TransferProgress;

/** What a running attempt tells the engine while it runs. Called from any thread. */
public interface TaskListener {

    /** One line of the main container's output (stdout and stderr), without its line break. */
    void log(String line);

    /** A short note about what the runtime is doing: "staging inputs", "image not pulled", ... */
    default void status(String message) {}

    default void transfer(TransferProgress progress) {}

    /**
     * What the task says of its own progress, as it last wrote it to its {@code ARGO_PROGRESS_FILE}
     * (Argo's {@code N/M}); the text as read, trimmed and short, not yet checked.
     */
    default void progress(String reported) {}

    TaskListener NONE = line -> {};
}
