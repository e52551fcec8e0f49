package io.onepanel.workflow.runtime.local;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One attempt's share of the runtime's limit on tasks starting at once: taken before its
 * processes are spawned, given back when its command starts (the setup script says so) or, at the
 * latest, when its processes are gone. Given back once, whichever comes first. An attempt stopped
 * while it waits stops waiting at once ({@link #abandon}); waiting costs nothing meanwhile (no
 * polling: a thousand attempts may wait together).
 */
final class StartPermit {

    private final Semaphore permits;
    private final AtomicBoolean held = new AtomicBoolean();
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile boolean abandoned;
    private volatile Thread waiter;

    StartPermit(Semaphore permits) {
        this.permits = permits;
    }

    /** @return false when {@link #abandon} was called before a permit was free */
    boolean acquire() throws InterruptedException {
        waiter = Thread.currentThread();
        try {
            if (abandoned) {
                return false;
            }
            permits.acquire();
            held.set(true);
            return true;
        } catch (InterruptedException e) {
            if (abandoned) {
                return false;
            }
            throw e;
        } finally {
            waiter = null;
            if (abandoned) {
                Thread.interrupted(); // our own interrupt, delivered late: not the pool's business
            }
        }
    }

    /** Stops a wait for a permit, now or later. */
    void abandon() {
        abandoned = true;
        Thread waiting = waiter;
        if (waiting != null) {
            waiting.interrupt();
        }
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
