package io.jenkins.plugins.onepanel.run;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.model.Label;
import hudson.model.Queue;
import hudson.model.queue.QueueListener;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jenkins.util.Timer;

/**
 * Withdraws a cancelled attempt's agent from the build queue. When the engine cancels an attempt
 * (failFast, a deadline) whose pod still waits to be scheduled, its {@code node} waits as a queue item
 * with the attempt's label; cancelling that item ends the {@code node} step (workflow-durable-task-step
 * fails it with {@code QueueTaskCancelled}) and with it the attempt. An item that enters the queue
 * after the cancel is withdrawn when it does: the queue tells, nothing polls.
 */
@Extension
public final class PendingAgents extends QueueListener {

    private final Set<String> withdrawn = ConcurrentHashMap.newKeySet();

    private static PendingAgents get() {
        return ExtensionList.lookupSingleton(PendingAgents.class);
    }

    /** Cancels the queue items of {@code label} now and whenever one enters the queue, until {@link #forget}. */
    static void withdraw(@NonNull String label) {
        get().withdrawn.add(label);
        Timer.get().submit(() -> {
            Queue queue = Queue.getInstance();
            for (Queue.Item item : queue.getItems()) {
                if (matches(item, label)) {
                    queue.cancel(item);
                }
            }
        });
    }

    /** The attempt is over: nothing of it can enter the queue any more. */
    static void forget(@NonNull String label) {
        get().withdrawn.remove(label);
    }

    @Override
    public void onEnterWaiting(Queue.WaitingItem item) {
        withdrawIfCancelled(item);
    }

    @Override
    public void onEnterBuildable(Queue.BuildableItem item) {
        withdrawIfCancelled(item);
    }

    private void withdrawIfCancelled(Queue.Item item) {
        if (withdrawn.isEmpty()) {
            return;
        }
        Label label = item.getAssignedLabel();
        if (label != null && withdrawn.contains(label.getName())) {
            // Not from inside the queue's own callback, which holds its lock while it changes state.
            Timer.get().submit(() -> Queue.getInstance().cancel(item));
        }
    }

    private static boolean matches(Queue.Item item, String label) {
        Label assigned = item.getAssignedLabel();
        return assigned != null && label.equals(assigned.getName());
    }
}
