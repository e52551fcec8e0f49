package io.onepanel.workflow.dag;

import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.NodeType;
import io.onepanel.workflow.expr.DependsExpression;
import io.onepanel.workflow.template.DagTask;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.Workflow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which attempts of an ended run a retry takes over, as Argo's {@code retry} decides (its
 * FormulateRetryWorkflow): the failed, errored and cancelled tasks rerun with every task after them
 * (their dependents, transitively, across nested DAGs), and so does the task named by
 * {@code --from} with its dependents; a failure that a later task handled and succeeded after
 * ({@code depends: A.Failed}, {@code continueOn}) stays as it was. Everything else keeps its
 * attempts: their recorded results are the new run's, outputs included. Exit handlers and hooks
 * of DAGs that rerun run again.
 *
 * <p>The unit is the attempt: a loop whose items partly failed reruns only the failed items; a task
 * with retries that failed reruns from its first attempt; a DAG with a {@code retryStrategy} that
 * failed reruns whole.
 */
final class RetryPlan {

    private final Workflow workflow;
    private final Map<String, NodeStatus> nodes;
    private final Map<String, List<NodeStatus>> children = new HashMap<>();
    private final String from;
    /** Nodes that contain (below them) a task named {@code from}. */
    private final Set<String> aboveFrom = new HashSet<>();
    private final Set<String> taskNames = new TreeSet<>();
    private final Set<String> reused = new LinkedHashSet<>();

    private RetryPlan(Workflow workflow, Map<String, NodeStatus> nodes, String from) {
        this.workflow = workflow;
        this.nodes = nodes;
        this.from = from;
        for (NodeStatus n : nodes.values()) {
            if (n.parentId() != null) {
                children.computeIfAbsent(n.parentId(), k -> new ArrayList<>()).add(n);
            }
        }
        for (NodeStatus n : nodes.values()) {
            NodeStatus parent = n.parentId() == null ? null : nodes.get(n.parentId());
            if (parent != null && parent.type() == NodeType.DAG && !n.name().contains(".")) {
                taskNames.add(n.name());
                if (n.id().equals(parent.id() + "." + from)) {
                    for (NodeStatus up = parent; up != null; up = up.parentId() == null ? null
                            : nodes.get(up.parentId())) {
                        aboveFrom.add(up.id());
                    }
                }
            }
        }
    }

    /**
     * The ids of the POD nodes whose recorded results a retry of the run takes over.
     *
     * @param nodes the ended run's nodes by id, parents before children
     * @param rootId the entrypoint's node (the run's name)
     * @param from a task that reruns with its dependents although it succeeded, or null
     * @throws IllegalArgumentException when {@code from} names no task of the run
     */
    static Set<String> reusable(Workflow workflow, Map<String, NodeStatus> nodes, String rootId, String from) {
        RetryPlan plan = new RetryPlan(workflow, nodes, from);
        if (from != null && plan.aboveFrom.isEmpty()) {
            throw new IllegalArgumentException("--from " + from + ": the run has no task of that name; its tasks are "
                    + String.join(", ", plan.taskNames));
        }
        NodeStatus root = nodes.get(rootId);
        if (root != null) {
            plan.partly(root);
        }
        return plan.reused;
    }

    /** A node that reruns in part: what in it did not fail, and is not after what did, is kept. */
    private void partly(NodeStatus n) {
        if (n.type() == NodeType.DAG) {
            dag(n);
        } else if (n.type() == NodeType.TASK_GROUP) {
            for (NodeStatus item : children(n)) {
                if (!item.phase().isFailure() && !aboveFrom.contains(item.id())) {
                    keep(item);
                } else if (item.type() == NodeType.DAG) {
                    dag(item);
                }
            }
        }
        // A failed attempt, or a task with retries that failed: it reruns from its first attempt.
    }

    private void dag(NodeStatus d) {
        Template template = workflow.templates().get(d.templateName());
        if (template == null || template.dag() == null) {
            return;
        }
        Map<String, DagTask> byName = new LinkedHashMap<>();
        template.dag().tasks().forEach(t -> byName.put(t.name(), t));
        Map<String, Set<String>> dependents = new HashMap<>();
        for (DagTask t : byName.values()) {
            DependsExpression logic;
            try {
                logic = Expressions.dependsOf(t, byName);
            } catch (RuntimeException e) {
                return; // the DAG could not plan, so none of its tasks ran
            }
            for (String dep : logic == null ? Set.<String>of() : logic.tasks()) {
                dependents.computeIfAbsent(dep, k -> new LinkedHashSet<>()).add(t.name());
            }
        }
        Map<String, NodeStatus> taskNodes = new LinkedHashMap<>();
        for (String name : byName.keySet()) {
            NodeStatus n = nodes.get(d.id() + "." + name);
            if (n != null) {
                taskNodes.put(name, n);
            }
        }
        Set<String> seeds = new LinkedHashSet<>();
        taskNodes.forEach((name, n) -> {
            boolean failed = n.phase().isFailure() && !handled(name, dependents, taskNodes);
            if (name.equals(from) || aboveFrom.contains(n.id()) || failed) {
                seeds.add(name);
            }
        });
        Set<String> after = after(seeds, dependents);
        taskNodes.forEach((name, n) -> {
            if (seeds.contains(name)) {
                if (!name.equals(from)) {
                    partly(n);
                }
            } else if (!after.contains(name)) {
                keep(n);
            }
        });
    }

    /** A failure a later task handled: a task after it succeeded (Argo keeps such a failed node). */
    private static boolean handled(String name, Map<String, Set<String>> dependents,
            Map<String, NodeStatus> taskNodes) {
        return after(Set.of(name), dependents).stream().map(taskNodes::get)
                .anyMatch(n -> n != null && n.phase() == NodePhase.SUCCEEDED);
    }

    /** Every task after {@code seeds}: their dependents, transitively. */
    private static Set<String> after(Set<String> seeds, Map<String, Set<String>> dependents) {
        Set<String> out = new HashSet<>();
        Deque<String> walk = new ArrayDeque<>(seeds);
        while (!walk.isEmpty()) {
            for (String d : dependents.getOrDefault(walk.pollFirst(), Set.of())) {
                if (out.add(d)) {
                    walk.addLast(d);
                }
            }
        }
        return out;
    }

    /** Keeps every ended attempt below {@code n}: the node is taken over as it was. */
    private void keep(NodeStatus n) {
        Deque<NodeStatus> walk = new ArrayDeque<>(List.of(n));
        while (!walk.isEmpty()) {
            NodeStatus next = walk.pollFirst();
            if (next.type() == NodeType.POD && next.phase().isDone()) {
                reused.add(next.id());
            }
            walk.addAll(children(next));
        }
    }

    private List<NodeStatus> children(NodeStatus n) {
        return children.getOrDefault(n.id(), List.of());
    }
}
