package io.onepanel.workflow.cli;

import io.onepanel.workflow.expr.DependsExpression;
import io.onepanel.workflow.expr.ExpressionException;
import io.onepanel.workflow.template.DagTask;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.Workflow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The DAG of a workflow's entrypoint as boxes and arrows: a task is a node, a task whose template
 * is itself a DAG is a cluster holding that DAG's tasks, looped tasks are marked, and a
 * {@code depends} condition labels its edge.
 *
 * @param title the workflow's name
 * @param displayName the display name of an Onepanel template file, shown above the graph; or null
 */
record DagGraph(String title, String displayName, Cluster root) {

    /** A task: {@code loop} describes its loop ("withItems: 3") or is null. */
    record Node(String id, String label, String template, String loop, String when) {}

    record Edge(String from, String to, String label) {}

    /** One DAG template's tasks; {@code id} is null for the entrypoint. */
    record Cluster(String id, String label, List<Node> nodes, List<Cluster> clusters, List<Edge> edges) {

        Cluster withLabel(String newLabel) {
            return new Cluster(id, newLabel, nodes, clusters, edges);
        }

        /** Where edges into this cluster land: its tasks with no dependency inside it. */
        List<String> entries() {
            Set<String> targets = new HashSet<>();
            edges.forEach(e -> targets.add(e.to()));
            return members().stream().filter(m -> !targets.contains(m)).toList();
        }

        /** Where edges out of this cluster start: its tasks nothing inside it depends on. */
        List<String> exits() {
            Set<String> sources = new HashSet<>();
            edges.forEach(e -> sources.add(e.from()));
            return members().stream().filter(m -> !sources.contains(m)).toList();
        }

        /** Ids of its direct tasks (nested clusters count as their own id). */
        List<String> members() {
            List<String> ids = new ArrayList<>();
            nodes.forEach(n -> ids.add(n.id()));
            clusters.forEach(c -> ids.add(c.id()));
            return ids;
        }

        /** The node ids an edge to {@code id} should reach (a nested cluster's entries). */
        List<String> resolveTarget(String memberId, boolean incoming) {
            for (Cluster c : clusters) {
                if (c.id().equals(memberId)) {
                    List<String> out = new ArrayList<>();
                    for (String m : incoming ? c.entries() : c.exits()) {
                        out.addAll(c.resolveTarget(m, incoming));
                    }
                    return out;
                }
            }
            return List.of(memberId);
        }
    }

    private static final int MAX_DEPTH = 16;

    static DagGraph of(Workflow workflow) {
        Template entry = workflow.templates().get(workflow.entrypoint());
        String title = workflow.name() != null ? workflow.name() : "workflow";
        if (entry == null || entry.dag() == null) {
            return new DagGraph(title, workflow.displayName(),
                    new Cluster(null, workflow.entrypoint(), List.of(), List.of(), List.of()));
        }
        Set<String> open = new HashSet<>();
        open.add(entry.name());
        return new DagGraph(title, workflow.displayName(), cluster(workflow, entry, null, "", open, 0));
    }

    private static Cluster cluster(Workflow wf, Template dagTemplate, String id, String prefix, Set<String> open,
            int depth) {
        List<Node> nodes = new ArrayList<>();
        List<Cluster> clusters = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        List<DagTask> tasks = dagTemplate.dag().tasks();
        for (DagTask task : tasks) {
            String taskId = sanitize(prefix + task.name());
            Template target = task.template() == null ? null : wf.templates().get(task.template());
            boolean nested = target != null && target.dag() != null && depth < MAX_DEPTH
                    && !open.contains(target.name());
            if (nested) {
                open.add(target.name());
                String label = task.name() + loopSuffix(task) + " (" + target.name() + ")";
                clusters.add(cluster(wf, target, taskId, prefix + task.name() + "_", open, depth + 1)
                        .withLabel(label));
                open.remove(target.name());
            } else {
                nodes.add(new Node(taskId, task.name(), task.template(), loop(task), task.when()));
            }
        }
        for (DagTask task : tasks) {
            for (Edge e : dependencies(task)) {
                edges.add(new Edge(sanitize(prefix + e.from()), sanitize(prefix + e.to()), e.label()));
            }
        }
        return new Cluster(id, dagTemplate.name(), nodes, clusters, edges);
    }

    /** The edges into a task, by task name; labelled with the result a {@code depends} asks for. */
    private static List<Edge> dependencies(DagTask task) {
        List<Edge> edges = new ArrayList<>();
        if (task.depends() != null && !task.depends().isBlank()) {
            try {
                Set<String> seen = new HashSet<>();
                for (DependsExpression.Operand op : DependsExpression.parse(task.depends()).operands()) {
                    String label = op.result().map(r -> r.argoName()).orElse(null);
                    if (seen.add(op.task() + "/" + label)) {
                        edges.add(new Edge(op.task(), task.name(), label));
                    }
                }
            } catch (ExpressionException | IllegalArgumentException e) {
                // the validator reports it; draw no edge
            }
        } else if (task.dependencies() != null) {
            task.dependencies().forEach(d -> edges.add(new Edge(d, task.name(), null)));
        }
        return edges;
    }

    static String loop(DagTask task) {
        if (task.withItems() != null && !task.withItems().isEmpty()) {
            return "withItems: " + task.withItems().size();
        }
        if (task.withParam() != null) {
            return "withParam";
        }
        if (task.withSequence() != null) {
            return "withSequence";
        }
        return null;
    }

    private static String loopSuffix(DagTask task) {
        String loop = loop(task);
        return loop == null ? "" : " [loop " + loop + "]";
    }

    static String sanitize(String id) {
        StringBuilder b = new StringBuilder();
        for (char c : id.toCharArray()) {
            b.append(Character.isLetterOrDigit(c) || c == '_' ? c : '_');
        }
        return "t_" + b;
    }
}
