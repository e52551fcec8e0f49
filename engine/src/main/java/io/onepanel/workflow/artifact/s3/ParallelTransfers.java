package io.onepanel.workflow.artifact.s3;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/** Runs asynchronous transfers with a cap on how many are in flight (bounded memory for 100k files). */
final class ParallelTransfers {

    private final int limit;

    ParallelTransfers(int limit) {
        this.limit = limit;
    }

    /** @return the first failure, or null when every transfer succeeded */
    <T> Throwable run(List<T> items, Function<T, CompletableFuture<?>> start) {
        Semaphore permits = new Semaphore(limit);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
        try {
            for (T item : items) {
                permits.acquire();
                if (failure.get() != null) {
                    permits.release();
                    break;
                }
                CompletableFuture<?> f;
                try {
                    f = start.apply(item);
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                    permits.release();
                    break;
                }
                inFlight.add(f);
                f.whenComplete((r, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                    inFlight.remove(f);
                    permits.release();
                });
            }
            permits.acquire(limit);
            permits.release(limit);
        } catch (InterruptedException e) {
            inFlight.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            failure.compareAndSet(null, new io.onepanel.workflow.artifact.ArtifactException("transfer interrupted"));
        }
        return failure.get();
    }
}
