package io.onepanel.workflow.runtime.local;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * One attempt's share of the runtime's limit on tasks starting at once: taken before its
 * processes are spawned, given back when its command starts (the setup script says so) or, at the
 * latest, when its processes are gone. Given back once, whichever comes first.
 */
final class StartPermit {

    private final Semaphore permits;
    private final AtomicBoolean held = new AtomicBoolean();
    private final AtomicBoolean done = new AtomicBoolean();

    StartPermit(Semaphore permits) {
        this.permits = permits;
    }

    /**
     * Waits for a permit, checking {@code stopped} every 100 ms.
     *
     * @return false when stopped before a permit was free
     */
    boolean acquire(BooleanSupplier stopped) throws InterruptedException {
        while (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            if (stopped.getAsBoolean()) {
                done.set(true);
                return false;
            }
        }
        held.set(true);
        return true;
    }

    boolean released() {
        return done.get();
    }

    void release() {
        if (done.compareAndSet(false, true) && held.get()) {
            permits.release();
        }
    }
}
