package io.onepanel.workflow.artifact.s3;

import io.onepanel.workflow.artifact.ProgressMeter;
import io.onepanel.workflow.artifact.TransferSettings;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Runs asynchronous transfers with a cap on how many are in flight (bounded memory for 100k files),
 * and makes sure the whole ends: when no byte has moved for {@code stallLimit} (a server that died
 * or stopped answering), when the whole has taken {@code totalLimit}, or when the calling thread is
 * interrupted (a cancelled run), every transfer in flight is cancelled and the run fails with one
 * line saying which.
 */
final class ParallelTransfers {

    private static final long POLL_MILLIS = 250;

    private final int limit;
    private final Duration stallLimit;
    private final Duration totalLimit;

    ParallelTransfers(int limit, Duration stallLimit, Duration totalLimit) {
        this.limit = limit;
        this.stallLimit = stallLimit;
        this.totalLimit = totalLimit;
    }

    /**
     * @param meter the artifact's progress; its last activity tells a stall
     * @param abort also run on cancellation (aborts what future cancellation cannot reach)
     * @return the first failure, or null when every transfer succeeded
     */
    <T> Throwable run(List<T> items, Function<T, CompletableFuture<?>> start, ProgressMeter meter, Runnable abort) {
        Semaphore permits = new Semaphore(limit);
        long deadline = System.nanoTime() + totalLimit.toNanos();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
        try {
            for (T item : items) {
                await(permits, 1, meter, deadline);
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
            await(permits, limit, meter, deadline);
            permits.release(limit);
        } catch (InterruptedException e) {
            failure.set(new Aborted("transfer interrupted (the run was cancelled)"));
            cancel(inFlight, abort);
            Thread.currentThread().interrupt();
        } catch (Stalled e) {
            failure.set(new Aborted(e.tooLong ? "not finished within " + TransferSettings.words(totalLimit)
                    + " (the limit of one transfer)" : "no data moved for " + stallLimit.toSeconds()
                    + " s, the endpoint stopped answering"));
            cancel(inFlight, abort);
        }
        return failure.get();
    }

    private void await(Semaphore permits, int count, ProgressMeter meter, long deadline)
            throws InterruptedException, Stalled {
        while (!permits.tryAcquire(count, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
            if (meter.idleNanos() > stallLimit.toNanos()) {
                throw new Stalled(false);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new Stalled(true);
            }
        }
    }

    private static void cancel(Set<CompletableFuture<?>> inFlight, Runnable abort) {
        inFlight.forEach(f -> f.cancel(true));
        abort.run();
    }

    /** Why transfers were cancelled, as a user reads it. */
    static final class Aborted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Aborted(String message) {
            super(message, null, false, false);
        }
    }

    /** No byte moved for the stall limit, or (tooLong) the whole took the total limit. */
    private static final class Stalled extends Exception {
        private static final long serialVersionUID = 1L;

        final boolean tooLong;

        Stalled(boolean tooLong) {
            super(null, null, false, false);
            this.tooLong = tooLong;
        }
    }
}
