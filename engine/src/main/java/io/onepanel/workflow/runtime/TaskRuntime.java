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

    /** Called once when a run ends, to release what the runtime kept for it (shared volumes, claims). */
    default void finish(RunInfo run, boolean succeeded) {}

    @Override
    default void close() {}
}
