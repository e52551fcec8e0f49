package io.jenkins.plugins.onepanel.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.NodeType;
import io.onepanel.workflow.engine.PlannedNode;
import io.onepanel.workflow.engine.RunListener;
import io.onepanel.workflow.engine.RunResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A run laid out as Pipeline branches, one per task: what each branch hears next. The engine
 * announces a DAG's tasks and a loop's items before they run ({@link RunListener#planned}); each
 * becomes a branch of its parent's {@code parallel}. A node the engine did not announce (an exit
 * handler, a lifecycle hook) becomes a branch of its nearest open ancestor when it appears. A
 * branch hears, in order: the attempts of its own node (its retries among them), its children to
 * run as branches of their own, and last that it is done, once its node has
 * {@linkplain RunListener#settled settled}, or was never run. The run's root is the branch of the
 * driver itself, done when the run is over.
 *
 * <p>Nothing here decides what runs when: attempts come as the engine lets them start, within the
 * run's parallelism, and a branch only waits (a future, never a thread) for its next news.
 */
public final class TaskBranches implements RunListener {

    /** What a branch hears. */
    public sealed interface News permits AttemptReady, Children, Done {}

    /**
     * An attempt of the branch's task to run.
     *
     * @param oneOfRetries the task retries: the attempt is one of several, shown as a stage of its own
     */
    public record AttemptReady(ActiveRun.Attempt attempt, boolean oneOfRetries) implements News {}

    /** Nodes to run as branches of their own, in one {@code parallel}. */
    public record Children(List<PlannedNode> children) implements News {}

    /**
     * The branch has nothing more to run.
     *
     * @param phase its node's phase; {@link NodePhase#OMITTED} for a node that never ran
     * @param reused for a task a retried run took over instead of running it: the task's name and the
     *     earlier run that ran it; null otherwise
     */
    public record Done(NodePhase phase, @CheckForNull String message, @CheckForNull Reused reused)
            implements News {

        Done(NodePhase phase, @CheckForNull String message) {
            this(phase, message, null);
        }
    }

    /** A task taken over from an earlier run. */
    public record Reused(String task, String from) {}

    private final String root;
    private final Map<String, Branch> branches = new HashMap<>();
    private final Map<String, String> nodeOfPod = new HashMap<>();
    private final Map<String, NodeType> typeOf = new HashMap<>();

    /** @param root the id of the run's root node (the workflow's name), the driver's own branch */
    TaskBranches(@NonNull String root) {
        this.root = root;
        branches.put(root, new Branch(false));
    }

    @NonNull
    public String root() {
        return root;
    }

    /** The next news of the branch of node {@code id}; one call at a time per branch. */
    @NonNull
    public synchronized CompletableFuture<News> next(@NonNull String id) {
        Branch branch = branches.get(id);
        if (branch == null) {
            return CompletableFuture.completedFuture(new Done(NodePhase.OMITTED, "no such task in this run"));
        }
        News news = branch.mail.pollFirst();
        if (news != null) {
            return CompletableFuture.completedFuture(news);
        }
        branch.waiting = new CompletableFuture<>();
        return branch.waiting;
    }

    @Override
    public void planned(NodeStatus parent, List<PlannedNode> children) {
        Runnable deliver;
        synchronized (this) {
            for (PlannedNode child : children) {
                branches.putIfAbsent(child.id(), new Branch(false));
            }
            Branch of = branches.get(parent.id());
            if (of != null) {
                of.children.addAll(children.stream().map(PlannedNode::id).toList());
            }
            deliver = post(of != null && !of.done ? parent.id() : openAncestor(parent.id()), new Children(children));
        }
        deliver.run();
    }

    @Override
    public void nodeChanged(NodeStatus node) {
        List<Runnable> deliveries = new ArrayList<>();
        synchronized (this) {
            typeOf.put(node.id(), node.type());
            if (node.type() == NodeType.POD && node.podName() != null) {
                nodeOfPod.put(node.podName(), node.id());
            }
            Branch branch = branches.get(node.id());
            if (branch == null && !isAttemptOfRetries(node)) {
                // An exit handler or hook: a branch of the nearest task still open, as it appears.
                branch = new Branch(true);
                branches.put(node.id(), branch);
                deliveries.add(post(openAncestor(node.id()),
                        new Children(List.of(new PlannedNode(node.id(), node.name())))));
            }
            if (node.phase().isDone() && branch != null) {
                if (branch.adopted) {
                    deliveries.add(post(node.id(), new Done(node.phase(), node.message())));
                }
                for (String child : branch.children) {
                    deliveries.add(post(child, new Done(NodePhase.OMITTED, "not run")));
                }
            }
        }
        deliveries.forEach(Runnable::run);
    }

    @Override
    public void settled(NodeStatus node) {
        Runnable deliver;
        synchronized (this) {
            deliver = post(node.id(), new Done(node.phase(), node.message(),
                    node.reusedFrom() == null ? null : new Reused(node.name(), node.reusedFrom())));
        }
        deliver.run();
    }

    /** The run is over: every branch still open is done. */
    void runOver(@CheckForNull RunResult result) {
        List<Runnable> deliveries = new ArrayList<>();
        synchronized (this) {
            for (String id : List.copyOf(branches.keySet())) {
                if (id.equals(root)) {
                    continue;
                }
                deliveries.add(post(id, new Done(NodePhase.OMITTED, "the run is over")));
            }
            deliveries.add(post(root, new Done(
                    result == null ? NodePhase.ERROR : result.phase(), result == null ? null : result.message())));
        }
        deliveries.forEach(Runnable::run);
    }

    @Override
    public void finished(RunResult result) {
        runOver(result);
    }

    /** Gives an attempt the engine let start to the branch of its task. */
    void attemptReady(@NonNull ActiveRun.Attempt attempt) {
        Runnable deliver;
        synchronized (this) {
            String node = nodeOfPod.get(attempt.request().podName());
            String owner = node == null ? root : branches.containsKey(node) && !branches.get(node).done
                    ? node : openAncestor(node);
            deliver = post(owner, new AttemptReady(attempt, !owner.equals(node)));
        }
        deliver.run();
    }

    private boolean isAttemptOfRetries(NodeStatus node) {
        return node.parentId() != null && typeOf.get(node.parentId()) == NodeType.RETRIES;
    }

    /**
     * The nearest enclosing node whose branch is still open, by id: node ids nest ({@code wf.C},
     * {@code wf.C.onExit}, {@code wf.fan(0:a)}, {@code wf.D(1)}), while an exit handler's parent node
     * is the DAG, whose branch may be waiting for this very task to end.
     */
    private String openAncestor(String id) {
        for (int i = id.length() - 1; i > 0; i--) {
            char c = id.charAt(i);
            if (c == '.' || c == '(') {
                Branch b = branches.get(id.substring(0, i));
                if (b != null && !b.done) {
                    return id.substring(0, i);
                }
            }
        }
        return root;
    }

    /** Queues news for a branch; what completes a waiting branch runs after the lock is let go. */
    private Runnable post(String id, News news) {
        Branch branch = branches.get(id);
        if (branch == null || branch.done) {
            return () -> {};
        }
        if (news instanceof Done) {
            branch.done = true;
        }
        CompletableFuture<News> waiting = branch.waiting;
        if (waiting != null && branch.mail.isEmpty()) {
            branch.waiting = null;
            return () -> waiting.complete(news);
        }
        branch.mail.addLast(news);
        return () -> {};
    }

    private static final class Branch {
        final Deque<News> mail = new ArrayDeque<>();
        final List<String> children = new ArrayList<>();
        /** Not announced by the engine: done when its node ends rather than when it settles. */
        final boolean adopted;
        CompletableFuture<News> waiting;
        boolean done;

        Branch(boolean adopted) {
            this.adopted = adopted;
        }
    }
}
