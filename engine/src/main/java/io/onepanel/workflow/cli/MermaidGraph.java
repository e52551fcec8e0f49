package io.onepanel.workflow.cli;

/** A {@link DagGraph} as a Mermaid flowchart: nested DAGs as subgraphs, loops as double-sided boxes. */
final class MermaidGraph {

    private MermaidGraph() {}

    static String render(DagGraph graph) {
        StringBuilder b = new StringBuilder();
        if (graph.displayName() != null) {
            // Mermaid's front matter: its title is shown above the chart.
            b.append("---\ntitle: ").append(DotGraph.quote(graph.displayName())).append("\n---\n");
        }
        b.append("flowchart TD\n");
        body(graph.root(), b, "  ");
        return b.toString();
    }

    private static void body(DagGraph.Cluster cluster, StringBuilder b, String indent) {
        for (DagGraph.Node n : cluster.nodes()) {
            String text = text(label(n));
            b.append(indent).append(n.id()).append(n.loop() != null ? "[[" + text + "]]" : "(" + text + ")")
                    .append('\n');
        }
        for (DagGraph.Cluster c : cluster.clusters()) {
            b.append(indent).append("subgraph ").append(c.id()).append(" [").append(text(c.label())).append("]\n");
            body(c, b, indent + "  ");
            b.append(indent).append("end\n");
        }
        for (DagGraph.Edge e : cluster.edges()) {
            for (String from : cluster.resolveTarget(e.from(), false)) {
                for (String to : cluster.resolveTarget(e.to(), true)) {
                    b.append(indent).append(from);
                    b.append(e.label() != null ? " -->|" + text(e.label()) + "| " : " --> ");
                    b.append(to).append('\n');
                }
            }
        }
    }

    private static String label(DagGraph.Node n) {
        String label = n.label();
        if (n.loop() != null) {
            label += " ↻ " + n.loop();
        }
        if (n.when() != null) {
            label += " (when " + n.when() + ")";
        }
        return label;
    }

    /** A quoted Mermaid label: quotes become entities so any text is safe. */
    private static String text(String s) {
        return "\"" + s.replace("\"", "#quot;") + "\"";
    }
}
