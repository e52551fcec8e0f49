package io.onepanel.workflow.runtime.local;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One starting attempt's place in the {@link StartQueue}: given back when its command starts (the
 * setup script says so) or, at the latest, when the attempt ends. Given back once, whichever
 * comes first.
 */
final class StartPermit {

    /** The permit of an attempt that runs without a place (it was stopped while it waited). */
    static StartPermit none() {
        return new StartPermit(() -> { });
    }

    private final Runnable free;
    private final AtomicBoolean done = new AtomicBoolean();

    StartPermit(Runnable free) {
        this.free = free;
    }

    boolean released() {
        return done.get();
    }

    void release() {
        if (done.compareAndSet(false, true)) {
            free.run();
        }
    }
}
