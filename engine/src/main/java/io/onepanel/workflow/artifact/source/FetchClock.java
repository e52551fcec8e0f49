package io.onepanel.workflow.artifact.source;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Watches one fetch against its {@link FetchLimits}: the bytes must keep coming ({@link #touch()}
 * at each) and the whole must end in time. When either limit passes, {@code onExpiry} runs once
 * (it closes what the fetch is blocked on) and {@link #expired()} says which limit it was. Runs on
 * the JDK's shared delay scheduler; nothing to shut down.
 */
public final class FetchClock implements AutoCloseable {

    private final FetchLimits limits;
    private final long deadline;
    private final Runnable onExpiry;
    private final AtomicReference<String> expired = new AtomicReference<>();
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean closed;

    /** @param started when the fetch began, as {@link System#nanoTime()} */
    public FetchClock(FetchLimits limits, long started, Runnable onExpiry) {
        this.limits = limits;
        this.deadline = started + limits.total().toNanos();
        this.onExpiry = onExpiry;
        schedule(Math.min(limits.idle().toNanos(), deadline - System.nanoTime()));
    }

    public void touch() {
        lastProgress = System.nanoTime();
    }

    /** Which limit ended the fetch, in words, or null when none did. */
    public String expired() {
        return expired.get();
    }

    /** The time left of the total bound, at least a millisecond. */
    Duration left() {
        return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), deadline - System.nanoTime()));
    }

    private void schedule(long nanos) {
        CompletableFuture.delayedExecutor(Math.max(0, nanos), TimeUnit.NANOSECONDS).execute(this::check);
    }

    private void check() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        String why = null;
        if (now - deadline >= 0) {
            why = "not finished within " + FetchLimits.words(limits.total()) + " (the limit of one fetch)";
        } else if (now - lastProgress >= limits.idle().toNanos()) {
            why = "no data for " + FetchLimits.words(limits.idle()) + " (idle timeout)";
        }
        if (why != null && expired.compareAndSet(null, why)) {
            onExpiry.run();
            return;
        }
        schedule(Math.min(lastProgress + limits.idle().toNanos(), deadline) - now);
    }

    @Override
    public void close() {
        closed = true;
    }
}
