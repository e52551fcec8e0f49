package io.onepanel.workflow.runtime.external;

import io.onepanel.workflow.runtime.TaskExecution;
import io.onepanel.workflow.runtime.TaskListener;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.runtime.TaskRuntime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A runtime whose attempts are run by someone else: the engine decides that an attempt may start
 * and queues it; a worker (a Jenkins Pipeline branch) takes it with {@link #next()}, runs it
 * wherever it likes and {@linkplain ExternalTask#complete completes} it. Nothing here blocks a
 * thread: {@link #next()} returns a future, which suits asynchronous Jenkins steps. Or each attempt
 * is handed, as the engine lets it start, to whoever {@linkplain #ExternalTaskRuntime(Consumer) routes}
 * it to the one that runs its task.
 */
public final class ExternalTaskRuntime implements TaskRuntime {

    private final Object lock = new Object();
    private final Consumer<ExternalTask> handOut;
    private final Deque<ExternalTask> ready = new ArrayDeque<>();
    private final Deque<CompletableFuture<Optional<ExternalTask>>> waiting = new ArrayDeque<>();
    private boolean closed;

    /** Attempts wait for a worker's {@link #next()}. */
    public ExternalTaskRuntime() {
        this.handOut = null;
    }

    /** Each attempt goes to {@code handOut} as it starts, already taken; {@link #next()} is not used. */
    public ExternalTaskRuntime(Consumer<ExternalTask> handOut) {
        this.handOut = java.util.Objects.requireNonNull(handOut);
    }

    @Override
    public TaskExecution start(TaskRequest request, TaskListener listener) {
        ExternalTask task = new ExternalTask(request, listener);
        CompletableFuture<Optional<ExternalTask>> worker;
        synchronized (lock) {
            if (closed) {
                task.complete(TaskResult.error("the run's workers are gone"));
                return task;
            }
            if (handOut != null) {
                task.take();
                worker = null;
            } else {
                worker = waiting.pollFirst();
                if (worker == null) {
                    ready.addLast(task);
                }
            }
        }
        if (handOut != null) {
            handOut.accept(task);
        } else if (worker != null) {
            task.take();
            worker.complete(Optional.of(task));
        }
        return task;
    }

    /**
     * The next attempt to run, as soon as there is one; empty once the runtime is closed (the run is
     * over), which tells a worker to stop.
     */
    public CompletableFuture<Optional<ExternalTask>> next() {
        synchronized (lock) {
            ExternalTask task;
            while ((task = ready.pollFirst()) != null) {
                if (!task.result().isDone() && task.take()) {
                    return CompletableFuture.completedFuture(Optional.of(task));
                }
            }
            if (closed) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            CompletableFuture<Optional<ExternalTask>> f = new CompletableFuture<>();
            waiting.addLast(f);
            return f;
        }
    }

    /** How many attempts wait for a worker. */
    public int queued() {
        synchronized (lock) {
            return ready.size();
        }
    }

    @Override
    public void close() {
        Deque<CompletableFuture<Optional<ExternalTask>>> toRelease;
        Deque<ExternalTask> abandoned;
        synchronized (lock) {
            closed = true;
            toRelease = new ArrayDeque<>(waiting);
            waiting.clear();
            abandoned = new ArrayDeque<>(ready);
            ready.clear();
        }
        toRelease.forEach(f -> f.complete(Optional.empty()));
        abandoned.forEach(t -> t.complete(TaskResult.error("the run ended before a worker took this task")));
    }

    /** One queued attempt, handed to a worker. */
    public static final class ExternalTask implements TaskExecution {
        private final TaskRequest request;
        private final TaskListener listener;
        private final CompletableFuture<TaskResult> result = new CompletableFuture<>();
        private final CompletableFuture<String> cancellation = new CompletableFuture<>();
        private final java.util.concurrent.atomic.AtomicBoolean taken = new java.util.concurrent.atomic.AtomicBoolean();

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

        @Override
        public void cancel(String reason) {
            cancellation.complete(reason);
            // A task no worker took has nothing to clean up: end it here. A worker that took it
            // completes the result itself once its pod is gone.
            if (taken.compareAndSet(false, true)) {
                result.complete(TaskResult.failed(null, "cancelled: " + reason));
            }
        }

        /** Marks the task as handed to a worker; false if it was already taken or cancelled. */
        boolean take() {
            return taken.compareAndSet(false, true);
        }
    }
}
