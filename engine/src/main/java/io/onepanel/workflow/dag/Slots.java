package io.onepanel.workflow.dag;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A parallelism cap: work beyond {@code max} waits in arrival order until a slot frees.
 * Scheduler-thread only.
 */
final class Slots {

    private final int max;
    private final Deque<Runnable> waiting = new ArrayDeque<>();
    private int used;

    /** @param max 0 or less means no cap */
    Slots(int max) {
        this.max = max;
    }

    void acquire(Runnable work) {
        if (max <= 0 || used < max) {
            used++;
            work.run();
        } else {
            waiting.addLast(work);
        }
    }

    void release() {
        Runnable next = waiting.pollFirst();
        if (next != null) {
            next.run(); // the slot passes straight on
        } else {
            used--;
        }
    }
}
