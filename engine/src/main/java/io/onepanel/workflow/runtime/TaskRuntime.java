package io.onepanel.workflow.runtime;

/**
 * Where a task attempt runs: local processes, Kubernetes pods, Jenkins agent pods.
 *
 * <p>The scheduler makes every decision (what runs when, retries, outputs wiring); a runtime only
 * runs one fully resolved attempt and reports how it ended. Implementations must be safe for
 * concurrent {@link #start} calls: independent DAG branches run at the same time.
 */
public interface TaskRuntime extends AutoCloseable {

    /**
     * Starts one attempt and returns at once. Progress and log lines go to {@code listener} from any
     * thread; the result completes exactly once, normally (a runtime failure is a
     * {@link TaskPhase#ERROR} result, not an exceptional completion).
     */
    TaskExecution start(TaskRequest request, TaskListener listener);

    /**
     * Continues an attempt that an earlier process of this run started and never saw end (it died;
     * the run is being resumed from its journal). A runtime whose attempts outlive the engine's
     * process (a pod that still exists) reattaches to it and reports its end as {@link #start} would;
     * one whose attempts die with the process starts it again. The request is the same as the first
     * time (same pod name, same attempt), with what is left of its deadline. The default starts it again.
     */
    default TaskExecution resume(TaskRequest request, TaskListener listener) {
        return start(request, listener);
    }

    /** Called once when a run ends, to release what the runtime kept for it (shared volumes, claims). */
    default void finish(RunInfo run, boolean succeeded) {}

    @Override
    default void close() {}
}
