package io.onepanel.workflow.runtime.kubernetes;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token bucket in front of the API server, as client-go's QPS/burst limiter: up to {@code burst}
 * calls at once, then {@code qps} a second. fabric8 has no such limiter (only a cap on concurrent
 * requests), so every call this runtime makes goes through here. It never blocks a thread while
 * waiting: a call that has to wait is scheduled for the moment its token is there, FIFO.
 */
final class ApiRateLimiter {

    private final double qps;
    private final int burst;
    private final ScheduledExecutorService scheduler;
    private final Executor workers;
    private final LongSupplier clock;
    private double tokens;
    private long last;

    ApiRateLimiter(double qps, int burst, ScheduledExecutorService scheduler, Executor workers) {
        this(qps, burst, scheduler, workers, System::nanoTime);
    }

    ApiRateLimiter(double qps, int burst, ScheduledExecutorService scheduler, Executor workers, LongSupplier clock) {
        this.qps = qps;
        this.burst = burst;
        this.scheduler = scheduler;
        this.workers = workers;
        this.clock = clock;
        this.tokens = burst;
        this.last = clock.getAsLong();
    }

    /** Runs {@code call} on a worker thread once the rate allows. */
    <T> CompletableFuture<T> call(Callable<T> call) {
        CompletableFuture<T> future = new CompletableFuture<>();
        Runnable run = () -> {
            try {
                workers.execute(() -> {
                    try {
                        future.complete(call.call());
                    } catch (Throwable e) {
                        future.completeExceptionally(e);
                    }
                });
            } catch (RejectedExecutionException e) {
                future.completeExceptionally(new IllegalStateException("the Kubernetes runtime is closed", e));
            }
        };
        long delay = reserve();
        try {
            if (delay <= 0) {
                run.run();
            } else {
                scheduler.schedule(run, delay, TimeUnit.NANOSECONDS);
            }
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(new IllegalStateException("the Kubernetes runtime is closed", e));
        }
        return future;
    }

    /** Takes a token (possibly one not there yet) and says how long to wait for it, in nanoseconds. */
    synchronized long reserve() {
        long now = clock.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) * qps / 1e9);
        last = now;
        tokens -= 1;
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / qps * 1e9);
    }
}
