package io.onepanel.workflow.testbed;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A controller's loop, as Kubernetes controllers run: one thread that looks at the whole state
 * again whenever an informer says something changed; changes that come while it runs make it run
 * once more, never more than once in a row.
 */
final class ReconcileLoop implements AutoCloseable {

    private final Runnable reconcile;
    private final ExecutorService thread;
    private final AtomicBoolean queued = new AtomicBoolean();

    ReconcileLoop(String name, Runnable reconcile) {
        this.reconcile = reconcile;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    void wake() {
        if (queued.compareAndSet(false, true)) {
            thread.execute(() -> {
                queued.set(false);
                reconcile.run();
            });
        }
    }

    /** An informer handler that wakes this loop on every add, update and delete. */
    <T> ResourceEventHandler<T> onChange() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                wake();
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                wake();
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                wake();
            }
        };
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
