package io.onepanel.workflow.runtime;

import java.util.concurrent.CompletableFuture;

/** A started attempt. */
public interface TaskExecution {

    /** Completes once the attempt is over and nothing of it is left running. */
    CompletableFuture<TaskResult> result();

    /**
     * Stops the attempt: kills every process (or deletes the pod) it started. Idempotent. The
     * result then completes with {@link TaskPhase#FAILED} and a message saying it was cancelled,
     * after the clean-up is done.
     */
    void cancel(String reason);

    /** An attempt that ended as it started, with {@code result}: nothing to cancel. */
    static TaskExecution ended(TaskResult result) {
        CompletableFuture<TaskResult> done = CompletableFuture.completedFuture(result);
        return new TaskExecution() {
            @Override
            public CompletableFuture<TaskResult> result() {
                return done;
            }

            @Override
            public void cancel(String reason) {}
        };
    }
}
