package io.onepanel.workflow.journal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.NodeType;
import io.onepanel.workflow.template.Artifact;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A node's state in the journal as changes: a {@code state} event holds only the fields that differ
 * from the node's previous state, so a run writes each value about once, whatever the number of
 * its events.
 */
final class NodeJson {

    private NodeJson() {}

    /** A node as it is created: pending, nothing known about it but what it is. */
    static NodeStatus fresh(String id, String name, String parentId, NodeType type, String templateName) {
        return new NodeStatus(id, name, parentId, type, templateName, NodePhase.PENDING, 0, null, null, null, null,
                null, null, Map.of(), null, null);
    }

    /** Whether {@code now} differs from {@code before} in anything a {@code state} event holds. */
    static boolean differs(NodeStatus before, NodeStatus now, List<Artifact> beforeArtifacts,
            List<Artifact> nowArtifacts) {
        return before.phase() != now.phase() || before.attempt() != now.attempt()
                || !Objects.equals(before.podName(), now.podName())
                || !Objects.equals(before.startedAt(), now.startedAt())
                || !Objects.equals(before.finishedAt(), now.finishedAt())
                || !Objects.equals(before.exitCode(), now.exitCode())
                || !Objects.equals(before.message(), now.message())
                || !Objects.equals(before.result(), now.result())
                || !before.outputParameters().equals(now.outputParameters())
                || !Objects.equals(before.reusedFrom(), now.reusedFrom())
                || !Objects.equals(before.progress(), now.progress())
                || !beforeArtifacts.equals(nowArtifacts);
    }

    /** The fields of {@code now} that differ from {@code before}. */
    static void writeChanges(JsonGenerator g, NodeStatus before, NodeStatus now, List<Artifact> beforeArtifacts,
            List<Artifact> nowArtifacts) throws IOException {
        if (before.phase() != now.phase()) {
            g.writeStringField("phase", now.phase().argoName());
        }
        if (before.attempt() != now.attempt()) {
            g.writeNumberField("attempt", now.attempt());
        }
        if (!Objects.equals(before.podName(), now.podName())) {
            g.writeStringField("pod", now.podName());
        }
        if (!Objects.equals(before.startedAt(), now.startedAt())) {
            g.writeStringField("startedAt", time(now.startedAt()));
        }
        if (!Objects.equals(before.finishedAt(), now.finishedAt())) {
            g.writeStringField("finishedAt", time(now.finishedAt()));
        }
        if (!Objects.equals(before.exitCode(), now.exitCode())) {
            if (now.exitCode() == null) {
                g.writeNullField("exitCode");
            } else {
                g.writeNumberField("exitCode", now.exitCode());
            }
        }
        if (!Objects.equals(before.message(), now.message())) {
            g.writeStringField("message", now.message());
        }
        if (!Objects.equals(before.result(), now.result())) {
            g.writeStringField("result", now.result());
        }
        if (!before.outputParameters().equals(now.outputParameters())) {
            g.writeObjectFieldStart("parameters");
            for (Map.Entry<String, String> p : now.outputParameters().entrySet()) {
                g.writeStringField(p.getKey(), p.getValue());
            }
            g.writeEndObject();
        }
        if (!beforeArtifacts.equals(nowArtifacts)) {
            g.writeArrayFieldStart("artifacts");
            for (Artifact a : nowArtifacts) {
                ArtifactJson.write(g, a);
            }
            g.writeEndArray();
        }
        if (!Objects.equals(before.reusedFrom(), now.reusedFrom())) {
            g.writeStringField("reusedFrom", now.reusedFrom());
        }
        if (!Objects.equals(before.progress(), now.progress())) {
            g.writeStringField("progress", now.progress());
        }
    }

    /** {@code before} with the changes of a {@code state} event. */
    static NodeStatus apply(NodeStatus before, JsonNode e) {
        NodePhase phase = e.has("phase") ? phase(e.get("phase").asText()) : before.phase();
        int attempt = e.has("attempt") ? e.get("attempt").asInt() : before.attempt();
        String pod = e.has("pod") ? ArtifactJson.text(e, "pod") : before.podName();
        Instant startedAt = e.has("startedAt") ? instant(e, "startedAt") : before.startedAt();
        Instant finishedAt = e.has("finishedAt") ? instant(e, "finishedAt") : before.finishedAt();
        Integer exitCode = e.has("exitCode") ? ArtifactJson.integer(e, "exitCode") : before.exitCode();
        String message = e.has("message") ? ArtifactJson.text(e, "message") : before.message();
        String result = e.has("result") ? ArtifactJson.text(e, "result") : before.result();
        Map<String, String> parameters = before.outputParameters();
        if (e.has("parameters")) {
            Map<String, String> read = new LinkedHashMap<>();
            e.get("parameters").fields().forEachRemaining(p -> read.put(p.getKey(), p.getValue().asText()));
            parameters = read;
        }
        String reusedFrom = e.has("reusedFrom") ? ArtifactJson.text(e, "reusedFrom") : before.reusedFrom();
        String progress = e.has("progress") ? ArtifactJson.text(e, "progress") : before.progress();
        return new NodeStatus(before.id(), before.name(), before.parentId(), before.type(), before.templateName(),
                phase, attempt, pod, startedAt, finishedAt, exitCode, message, result, parameters, reusedFrom,
                progress);
    }

    /** The artifacts of a {@code state} event, or {@code before} when it has none. */
    static List<Artifact> artifacts(JsonNode e, List<Artifact> before) {
        if (!e.has("artifacts")) {
            return before;
        }
        List<Artifact> out = new ArrayList<>();
        e.get("artifacts").forEach(a -> out.add(ArtifactJson.read(a)));
        return List.copyOf(out);
    }

    static NodePhase phase(String argoName) {
        for (NodePhase p : NodePhase.values()) {
            if (p.argoName().equals(argoName)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown phase '" + argoName + "'");
    }

    static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    static Instant instant(JsonNode n, String field) {
        String text = ArtifactJson.text(n, field);
        return text == null ? null : Instant.parse(text);
    }
}
