package io.onepanel.workflow.dag;

import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeType;
import io.onepanel.workflow.expr.DependsExpression;
import io.onepanel.workflow.template.DagTask;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One task of a running DAG: what it waits for, who waits for it, and its node once it has one. */
final class TaskState {

    final DagTask task;
    /** Null for a root task. */
    final DependsExpression logic;
    final List<TaskState> dependencies = new ArrayList<>();
    final List<TaskState> dependents = new ArrayList<>();
    /** Part of the work: a target, or something a target needs. */
    boolean needed;
    int unresolved;
    /** The task's node: a pod, a retry node, a loop group, a DAG, or a skipped/omitted marker. */
    Node node;
    /** Its node is fulfilled and its exit hook (if any) has run. */
    boolean done;
    /** Item nodes of a loop in loop-index order, for AnySucceeded/AllFailed and aggregated outputs. */
    final List<Node> items = new ArrayList<>();
    private final List<Integer> itemIndexes = new ArrayList<>();

    TaskState(DagTask task, DependsExpression logic) {
        this.task = task;
        this.logic = logic;
    }

    /** An item of the loop has ended: kept in loop-index order, as Argo sorts them, not in finishing order. */
    void addItem(int index, Node item) {
        int at = java.util.Collections.binarySearch(itemIndexes, index);
        at = at < 0 ? -at - 1 : at;
        itemIndexes.add(at, index);
        items.add(at, item);
    }

    NodePhase phase() {
        return node == null ? null : node.phase;
    }

    boolean isGroup() {
        return node != null && node.type == NodeType.TASK_GROUP;
    }

    /** The {@code tasks.<name>.*} variables this task offers to those after it. */
    Map<String, String> variables(String prefix) {
        Map<String, String> vars = new LinkedHashMap<>();
        if (node == null) {
            return vars;
        }
        String p = prefix + "." + task.name() + ".";
        vars.put(p + "id", node.id);
        vars.put(p + "status", node.phase.argoName());
        if (node.startedAt != null) {
            vars.put(p + "startedAt", node.startedAt.toString());
        }
        if (node.finishedAt != null) {
            vars.put(p + "finishedAt", node.finishedAt.toString());
        }
        if (isGroup()) {
            vars.putAll(AggregatedOutputs.of(p, items));
            return vars;
        }
        if (node.exitCode != null) {
            vars.put(p + "exitCode", Integer.toString(node.exitCode));
        }
        if (node.result != null) {
            vars.put(p + "outputs.result", node.result);
        }
        node.outputParameters.forEach((k, v) -> vars.put(p + "outputs.parameters." + k, v));
        return vars;
    }
}
