package io.onepanel.workflow.validate;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.onepanel.workflow.diagnostics.SourcePosition;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.DagTask;
import io.onepanel.workflow.template.Parameter;
import io.onepanel.workflow.template.PlainContainer;
import io.onepanel.workflow.template.Positions;
import io.onepanel.workflow.template.SidecarContainer;
import io.onepanel.workflow.template.Template;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Collects the texts of a template (and of its DAG tasks) that may hold tags (or a NUL character). */
final class TextSites {

    private TextSites() {}

    /** Texts evaluated with the template's own inputs in scope (everything but DAG task fields). */
    static List<TextSite> ofTemplate(Template t) {
        List<TextSite> out = new ArrayList<>();
        String where = "template '" + t.name() + "'";
        Positions p = t.positions();
        if (t.container() != null) {
            tree(out, t.container(), p, "container", "the container of " + where);
        }
        if (t.script() != null) {
            tree(out, t.script().container(), p, "script", "the script of " + where);
            add(out, t.script().source(), at(p, "script.source", "script"), "the script source of " + where);
        }
        for (Parameter param : t.inputs().parameters()) {
            parameter(out, param, "input parameter '" + param.name() + "' of " + where);
        }
        for (Artifact a : t.inputs().artifacts()) {
            artifact(out, a, "input artifact '" + a.name() + "' of " + where);
        }
        for (Parameter param : t.outputs().parameters()) {
            if (t.dag() == null) {
                parameter(out, param, "output parameter '" + param.name() + "' of " + where);
            }
        }
        for (Artifact a : t.outputs().artifacts()) {
            if (t.dag() == null) {
                artifact(out, a, "output artifact '" + a.name() + "' of " + where);
            }
        }
        for (Map.Entry<String, String> e : t.nodeSelector().entrySet()) {
            add(out, e.getValue(), at(p, "nodeSelector." + e.getKey(), "nodeSelector"), "nodeSelector '" + e.getKey() + "' of " + where);
        }
        add(out, t.activeDeadlineSeconds(), p.of("activeDeadlineSeconds"), "activeDeadlineSeconds of " + where);
        add(out, t.timeout(), p.of("timeout"), "timeout of " + where);
        add(out, t.podSpecPatch(), p.of("podSpecPatch"), "podSpecPatch of " + where);
        if (t.retryStrategy() != null) {
            add(out, t.retryStrategy().limit(), at(p, "retryStrategy.limit", "retryStrategy"), "retryStrategy.limit of " + where);
        }
        for (int i = 0; i < t.sidecars().size(); i++) {
            tree(out, t.sidecars().get(i).container(), p, "sidecars." + i, "a sidecar of " + where);
        }
        for (int i = 0; i < t.initContainers().size(); i++) {
            tree(out, t.initContainers().get(i).container(), p, "initContainers." + i, "an init container of " + where);
        }
        for (int i = 0; i < t.volumes().size(); i++) {
            tree(out, t.volumes().get(i), p, "volumes." + i, "volumes of " + where);
        }
        for (int i = 0; i < t.tolerations().size(); i++) {
            tree(out, t.tolerations().get(i), p, "tolerations." + i, "tolerations of " + where);
        }
        t.metadata().labels().forEach((k, v) -> add(out, v, at(p, "metadata.labels." + k, "metadata"),
                "label '" + k + "' of " + where));
        t.metadata().annotations().forEach((k, v) -> add(out, v, at(p, "metadata.annotations." + k, "metadata"),
                "annotation '" + k + "' of " + where));
        if (t.dag() != null) {
            add(out, t.dag().target(), t.dag().positions().of("target"), "the target of " + where);
        }
        return out;
    }

    /** Texts of one DAG task: evaluated with the DAG's inputs and the task's ancestors in scope. */
    static List<TextSite> ofTask(DagTask task) {
        List<TextSite> out = new ArrayList<>();
        String where = "task '" + task.name() + "'";
        Positions p = task.positions();
        add(out, task.when(), p.of("when"), "when of " + where);
        add(out, task.withParam(), p.of("withParam"), "withParam of " + where);
        if (task.withItems() != null) {
            for (int i = 0; i < task.withItems().size(); i++) {
                plain(out, task.withItems().get(i), p, "withItems." + i, "withItems of " + where);
            }
        }
        if (task.withSequence() != null) {
            add(out, task.withSequence().count(), at(p, "withSequence.count", "withSequence"), "withSequence of " + where);
            add(out, task.withSequence().start(), at(p, "withSequence.start", "withSequence"), "withSequence of " + where);
            add(out, task.withSequence().end(), at(p, "withSequence.end", "withSequence"), "withSequence of " + where);
        }
        for (Parameter param : task.arguments().parameters()) {
            parameter(out, param, "argument '" + param.name() + "' of " + where);
        }
        for (Artifact a : task.arguments().artifacts()) {
            artifact(out, a, "artifact argument '" + a.name() + "' of " + where);
            reference(out, a.from(), a.positions().of("from"), "artifact argument '" + a.name() + "' of " + where);
        }
        return out;
    }

    /** Output texts of a DAG template, which may name any of its tasks. */
    static List<TextSite> ofDagOutputs(Template t) {
        List<TextSite> out = new ArrayList<>();
        for (Parameter param : t.outputs().parameters()) {
            parameter(out, param, "output parameter '" + param.name() + "' of template '" + t.name() + "'");
        }
        for (Artifact a : t.outputs().artifacts()) {
            reference(out, a.from(), a.positions().of("from"), "output artifact '" + a.name() + "' of template '"
                    + t.name() + "'");
        }
        return out;
    }

    private static void parameter(List<TextSite> out, Parameter p, String what) {
        add(out, p.value(), p.positions().of("value"), what);
        add(out, p.defaultValue(), p.positions().of("default"), what);
        if (p.valueFrom() != null) {
            Positions at = p.positions();
            add(out, p.valueFrom().path(), at(at, "valueFrom.path", "valueFrom"), what);
            add(out, p.valueFrom().parameter(), at(at, "valueFrom.parameter", "valueFrom"), what);
            add(out, p.valueFrom().defaultValue(), at(at, "valueFrom.default", "valueFrom"), what);
        }
    }

    private static void artifact(List<TextSite> out, Artifact a, String what) {
        add(out, a.path(), a.positions().of("path"), what);
        Positions p = a.positions();
        if (a.s3() != null) {
            add(out, a.s3().key(), at(p, "s3.key", "s3"), what);
            add(out, a.s3().bucket(), at(p, "s3.bucket", "s3"), what);
            add(out, a.s3().endpoint(), at(p, "s3.endpoint", "s3"), what);
        }
        if (a.git() != null) {
            add(out, a.git().repo(), at(p, "git.repo", "git"), what);
            add(out, a.git().revision(), at(p, "git.revision", "git"), what);
        }
        if (a.raw() != null) {
            add(out, a.raw().data(), at(p, "raw.data", "raw"), what);
        }
        if (a.http() != null) {
            add(out, a.http().url(), at(p, "http.url", "http"), what);
        }
    }

    /**
     * The position of the value at {@code path} when the loader recorded it, else of the enclosing
     * {@code field} (a mapping, where no column inside a value means anything).
     */
    private static SourcePosition at(Positions p, String path, String field) {
        return p.has(path) ? p.of(path) : p.of(field).withoutLayout();
    }

    private static void plain(List<TextSite> out, Object v, Positions p, String path, String what) {
        if (v instanceof String s) {
            add(out, s, at(p, path, "withItems"), what);
        } else if (v instanceof Map<?, ?> m) {
            m.forEach((k, x) -> plain(out, x, p, path + "." + k, what));
        } else if (v instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                plain(out, l.get(i), p, path + "." + i, what);
            }
        }
    }

    /** The texts of a Kubernetes object read from {@code path}, each at its own position. */
    private static void tree(List<TextSite> out, Object k8sObject, Positions p, String path, String what) {
        if (k8sObject == null) {
            return;
        }
        String field = path.contains(".") ? path.substring(0, path.indexOf('.')) : path;
        if (k8sObject instanceof Container c && PlainContainer.isPlain(c)) {
            PlainContainer.texts(c, (at, text) -> add(out, text, at(p, path + "." + at, field), what));
            return;
        }
        walk(out, Serialization.jsonMapper().valueToTree(k8sObject), p, path, field, what);
    }

    private static void walk(List<TextSite> out, JsonNode node, Positions p, String path, String field,
            String what) {
        if (node.isTextual()) {
            add(out, node.asText(), at(p, path, field), what);
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(out, node.get(i), p, path + "." + i, field, what);
            }
        } else if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                walk(out, e.getValue(), p, path + "." + e.getKey(), field, what);
            }
        }
    }

    private static void add(List<TextSite> out, String text, SourcePosition at, String what) {
        // Texts with tags, and texts with a NUL, which VariableCheck refuses (no process can take one).
        if (text != null && (text.contains("{{") || text.indexOf('\0') >= 0)) {
            out.add(new TextSite(text, at, what));
        }
    }

    /** A text that names an artifact ({@code from}), not text inserted anywhere. */
    private static void reference(List<TextSite> out, String text, SourcePosition at, String what) {
        if (text != null && text.contains("{{")) {
            out.add(new TextSite(text, at, what, true));
        }
    }
}
