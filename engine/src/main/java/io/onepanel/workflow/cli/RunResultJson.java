package io.onepanel.workflow.cli;

import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.Progress;
import io.onepanel.workflow.engine.RunResult;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link RunResult} as one JSON document: phase, message, progress, outputs and every node with
 * all its fields ({@code reusedFrom}: the run whose results a retried run's node took over, else
 * null; {@code progress}: Argo's {@code N/M}, a task's own report or 0/1 and 1/1, summed below a
 * DAG, null for a node with no task below it).
 */
final class RunResultJson {

    private RunResultJson() {}

    /** @param displayName the display name of an Onepanel template file, or null */
    static String of(RunResult r, String displayName) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("workflowName", r.workflowName());
        doc.put("displayName", displayName);
        doc.put("phase", r.phase().argoName());
        doc.put("message", r.message());
        doc.put("startedAt", time(r.startedAt()));
        doc.put("finishedAt", time(r.finishedAt()));
        doc.put("progress", Progress.ofRun(r.nodes()).toString());
        doc.put("outputs", new java.util.TreeMap<>(r.outputs()));
        Map<String, Progress> progress = Progress.perNode(r.nodes());
        doc.put("nodes", r.nodes().stream().map(n -> node(n, progress.get(n.id()))).toList());
        return DiagnosticReport.json(doc);
    }

    private static Map<String, Object> node(NodeStatus n, Progress progress) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", n.id());
        m.put("name", n.name());
        m.put("parentId", n.parentId());
        m.put("type", n.type().name());
        m.put("templateName", n.templateName());
        m.put("phase", n.phase().argoName());
        m.put("attempt", n.attempt());
        m.put("podName", n.podName());
        m.put("startedAt", time(n.startedAt()));
        m.put("finishedAt", time(n.finishedAt()));
        m.put("durationSeconds", n.startedAt() == null ? null : n.duration().toMillis() / 1000.0);
        m.put("exitCode", n.exitCode());
        m.put("message", n.message());
        m.put("result", n.result());
        m.put("outputParameters", new java.util.TreeMap<>(n.outputParameters()));
        m.put("reusedFrom", n.reusedFrom());
        m.put("progress", progress == null ? null : progress.toString());
        return m;
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
