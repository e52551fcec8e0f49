package io.onepanel.workflow.runtime.local;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Attempts waiting to start, in the order they came: at most {@code limit} are starting at once
 * (inputs fetched, namespaces made, mounts done, command not yet running) and each of those has a
 * thread; the others wait here as entries, not as parked threads, so a DAG 5,000 tasks wide holds
 * 5,000 small objects, not 5,000 threads. A starting attempt frees its place when its command runs
 * or, at the latest, when it ends ({@link StartPermit#release()}); the next waiting one then gets it.
 */
final class StartQueue {

    private final int limit;
    private final Executor threads;
    private final Set<LocalAttempt> waiting = new LinkedHashSet<>();
    private int starting;

    StartQueue(int limit, Executor threads) {
        this.limit = limit;
        this.threads = threads;
    }

    /** Runs the attempt on a thread of its own now if a place is free, else once one is. */
    void submit(LocalAttempt attempt) {
        synchronized (this) {
            if (starting >= limit) {
                waiting.add(attempt);
                return;
            }
            starting++;
        }
        threads.execute(() -> attempt.run(new StartPermit(this::freed)));
    }

    /**
     * Runs a waiting attempt at once, without a place: it was stopped, and ends as soon as it runs.
     * Nothing happens to an attempt that is not waiting (it runs already).
     */
    void hurry(LocalAttempt attempt) {
        synchronized (this) {
            if (!waiting.remove(attempt)) {
                return;
            }
        }
        threads.execute(() -> attempt.run(StartPermit.none()));
    }

    /** How many attempts wait for a place. */
    synchronized int waiting() {
        return waiting.size();
    }

    private void freed() {
        LocalAttempt next;
        synchronized (this) {
            Iterator<LocalAttempt> first = waiting.iterator();
            if (!first.hasNext()) {
                starting--;
                return;
            }
            next = first.next();
            first.remove();
        }
        threads.execute(() -> next.run(new StartPermit(this::freed)));
    }
}
