package io.onepanel.workflow.dag;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.onepanel.workflow.engine.NodeType;
import io.onepanel.workflow.runtime.RunInfo;
import io.onepanel.workflow.template.Workflow;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code workflow.*} variables of a run. */
final class WorkflowVariables {

    private WorkflowVariables() {}

    static Map<String, String> of(Workflow workflow, RunInfo info, Map<String, String> parameters) {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("workflow.name", info.workflowName());
        vars.put("workflow.namespace", info.namespace());
        vars.put("workflow.uid", info.uid());
        vars.put("workflow.mainEntrypoint", workflow.entrypoint() == null ? "" : workflow.entrypoint());
        if (workflow.serviceAccountName() != null) {
            vars.put("workflow.serviceAccountName", workflow.serviceAccountName());
        }
        ZonedDateTime created = info.creationTimestamp().atZone(ZoneOffset.UTC);
        vars.put("workflow.creationTimestamp", DateTimeFormatter.ISO_INSTANT.format(info.creationTimestamp()));
        // strftime-style parts, as Argo offers them ({{workflow.creationTimestamp.Y}} ...)
        vars.put("workflow.creationTimestamp.Y", String.format("%04d", created.getYear()));
        vars.put("workflow.creationTimestamp.y", String.format("%02d", created.getYear() % 100));
        vars.put("workflow.creationTimestamp.m", String.format("%02d", created.getMonthValue()));
        vars.put("workflow.creationTimestamp.d", String.format("%02d", created.getDayOfMonth()));
        vars.put("workflow.creationTimestamp.H", String.format("%02d", created.getHour()));
        vars.put("workflow.creationTimestamp.M", String.format("%02d", created.getMinute()));
        vars.put("workflow.creationTimestamp.S", String.format("%02d", created.getSecond()));
        vars.put("workflow.creationTimestamp.s", Long.toString(info.creationTimestamp().getEpochSecond()));
        vars.put("workflow.creationTimestamp.RFC3339", DateTimeFormatter.ISO_INSTANT.format(info.creationTimestamp()));
        workflow.labels().forEach((k, v) -> vars.put("workflow.labels." + k, v));
        List<Map<String, String>> list = new ArrayList<>();
        parameters.forEach((k, v) -> {
            vars.put("workflow.parameters." + k, v);
            list.add(Map.of("name", k, "value", v));
        });
        vars.put("workflow.parameters", json(list));
        return vars;
    }

    /** {@code workflow.failures}: the failed pods of the run, as Argo lists them for exit handlers. */
    static String failures(Collection<Node> nodes) {
        List<Map<String, String>> out = new ArrayList<>();
        for (Node n : nodes) {
            if (n.type == NodeType.POD && n.phase.isFailure()) {
                Map<String, String> f = new LinkedHashMap<>();
                f.put("displayName", n.name);
                f.put("message", n.message == null ? "" : n.message);
                f.put("templateName", n.templateName);
                f.put("phase", n.phase.argoName());
                f.put("podName", n.podName == null ? "" : n.podName);
                f.put("finishedAt", n.finishedAt == null ? "" : n.finishedAt.toString());
                out.add(f);
            }
        }
        return json(out);
    }

    static String json(Object value) {
        try {
            return LoopItem.JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
