package io.onepanel.workflow.engine;

import io.onepanel.workflow.runtime.RunInfo;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A started run. */
public interface WorkflowRun {

    RunInfo info();

    /** Completes when every node is done and the exit handler (if any) has run. Never exceptionally. */
    CompletableFuture<RunResult> completion();

    /**
     * Stops the run: no new task starts, running attempts are cancelled (their processes or pods
     * removed), the exit handler is not started. Idempotent.
     */
    void cancel(String reason);

    /** Every node as it is now, parents before children. */
    List<NodeStatus> snapshot();
}
