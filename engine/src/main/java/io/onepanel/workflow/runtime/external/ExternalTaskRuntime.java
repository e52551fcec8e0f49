package io.onepanel.workflow.runtime.external;

import io.onepanel.workflow.runtime.TaskExecution;
import io.onepanel.workflow.runtime.TaskListener;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.runtime.TaskRuntime;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A runtime whose attempts are run by someone else: as the engine lets an attempt start, it is handed
 * to {@code handOut} (in Jenkins, routed to the Pipeline branch of its task), which runs it wherever
 * it likes and {@linkplain ExternalTask#complete completes} it. Nothing here blocks a thread, which
 * suits asynchronous Jenkins steps.
 */
public final class ExternalTaskRuntime implements TaskRuntime {

    private final Consumer<ExternalTask> handOut;
    private volatile boolean closed;

    /** @param handOut takes each attempt as it starts; it must complete it, also when it is cancelled */
    public ExternalTaskRuntime(Consumer<ExternalTask> handOut) {
        this.handOut = Objects.requireNonNull(handOut);
    }

    @Override
    public TaskExecution start(TaskRequest request, TaskListener listener) {
        ExternalTask task = new ExternalTask(request, listener);
        if (closed) {
            task.complete(TaskResult.error("the run's workers are gone"));
        } else {
            handOut.accept(task);
        }
        return task;
    }

    @Override
    public void close() {
        closed = true;
    }

    /** One attempt, handed to whoever runs it. */
    public static final class ExternalTask implements TaskExecution {
        private final TaskRequest request;
        private final TaskListener listener;
        private final CompletableFuture<TaskResult> result = new CompletableFuture<>();
        private final CompletableFuture<String> cancellation = new CompletableFuture<>();

        ExternalTask(TaskRequest request, TaskListener listener) {
            this.request = request;
            this.listener = listener;
        }

        public TaskRequest request() {
            return request;
        }

        /** Where the worker sends log lines and status notes. */
        public TaskListener listener() {
            return listener;
        }

        /** The worker reports how the attempt ended; later calls are ignored. */
        public void complete(TaskResult outcome) {
            result.complete(outcome);
        }

        /** Completes with the reason when the engine wants this attempt stopped. */
        public CompletableFuture<String> cancellation() {
            return cancellation;
        }

        @Override
        public CompletableFuture<TaskResult> result() {
            return result;
        }

        /** The worker ends the attempt itself once it has stopped it (its pod gone, or never started). */
        @Override
        public void cancel(String reason) {
            cancellation.complete(reason);
        }
    }
}
