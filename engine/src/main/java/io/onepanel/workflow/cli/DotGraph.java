package io.onepanel.workflow.cli;

/** A {@link DagGraph} in Graphviz DOT: nested DAGs as clusters, loops as double-bordered boxes. */
final class DotGraph {

    private DotGraph() {}

    static String render(DagGraph graph) {
        StringBuilder b = new StringBuilder();
        b.append("digraph ").append(quote(graph.title())).append(" {\n");
        if (graph.displayName() != null) {
            b.append("  label=").append(quote(graph.displayName())).append(";\n  labelloc=t;\n");
        }
        b.append("  compound=true;\n  rankdir=TB;\n");
        b.append("  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n");
        b.append("  edge [fontname=\"Helvetica\", fontsize=10];\n");
        body(graph.root(), b, "  ");
        b.append("}\n");
        return b.toString();
    }

    private static void body(DagGraph.Cluster cluster, StringBuilder b, String indent) {
        for (DagGraph.Node n : cluster.nodes()) {
            b.append(indent).append(n.id()).append(" [label=").append(quote(label(n)));
            if (n.loop() != null) {
                b.append(", peripheries=2");
            }
            if (n.when() != null) {
                b.append(", style=\"rounded,dashed\"");
            }
            b.append("];\n");
        }
        for (DagGraph.Cluster c : cluster.clusters()) {
            b.append(indent).append("subgraph cluster_").append(c.id()).append(" {\n");
            b.append(indent).append("  label=").append(quote(c.label())).append(";\n");
            b.append(indent).append("  style=rounded;\n");
            body(c, b, indent + "  ");
            b.append(indent).append("}\n");
        }
        for (DagGraph.Edge e : cluster.edges()) {
            for (String from : cluster.resolveTarget(e.from(), false)) {
                for (String to : cluster.resolveTarget(e.to(), true)) {
                    b.append(indent).append(from).append(" -> ").append(to);
                    if (e.label() != null) {
                        b.append(" [label=").append(quote(e.label())).append("]");
                    }
                    b.append(";\n");
                }
            }
        }
    }

    private static String label(DagGraph.Node n) {
        StringBuilder label = new StringBuilder(n.label());
        if (n.loop() != null) {
            label.append("\n(loop ").append(n.loop()).append(")");
        }
        if (n.when() != null) {
            label.append("\nwhen ").append(n.when());
        }
        return label.toString();
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
