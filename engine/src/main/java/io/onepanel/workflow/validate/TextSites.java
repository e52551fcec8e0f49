package io.onepanel.workflow.validate;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.onepanel.workflow.diagnostics.SourcePosition;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.DagTask;
import io.onepanel.workflow.template.Parameter;
import io.onepanel.workflow.template.Positions;
import io.onepanel.workflow.template.SidecarContainer;
import io.onepanel.workflow.template.Template;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Collects the texts of a template (and of its DAG tasks) that may hold tags. */
final class TextSites {

    private TextSites() {}

    /** Texts evaluated with the template's own inputs in scope (everything but DAG task fields). */
    static List<TextSite> ofTemplate(Template t) {
        List<TextSite> out = new ArrayList<>();
        String where = "template '" + t.name() + "'";
        Positions p = t.positions();
        if (t.container() != null) {
            tree(out, t.container(), p.of("container"), "the container of " + where);
        }
        if (t.script() != null) {
            tree(out, t.script().container(), p.of("script"), "the script of " + where);
            add(out, t.script().source(), p.of("script"), "the script source of " + where);
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
            add(out, e.getValue(), p.of("nodeSelector"), "nodeSelector '" + e.getKey() + "' of " + where);
        }
        add(out, t.activeDeadlineSeconds(), p.of("activeDeadlineSeconds"), "activeDeadlineSeconds of " + where);
        add(out, t.timeout(), p.of("timeout"), "timeout of " + where);
        add(out, t.podSpecPatch(), p.of("podSpecPatch"), "podSpecPatch of " + where);
        if (t.retryStrategy() != null) {
            add(out, t.retryStrategy().limit(), p.of("retryStrategy"), "retryStrategy.limit of " + where);
        }
        for (SidecarContainer s : t.sidecars()) {
            tree(out, s.container(), p.of("sidecars"), "a sidecar of " + where);
        }
        for (SidecarContainer s : t.initContainers()) {
            tree(out, s.container(), p.of("initContainers"), "an init container of " + where);
        }
        t.volumes().forEach(v -> tree(out, v, p.of("volumes"), "volumes of " + where));
        t.tolerations().forEach(v -> tree(out, v, p.of("tolerations"), "tolerations of " + where));
        t.metadata().labels().forEach((k, v) -> add(out, v, p.of("metadata"), "label '" + k + "' of " + where));
        t.metadata().annotations().forEach((k, v) -> add(out, v, p.of("metadata"), "annotation '" + k + "' of " + where));
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
            for (Object item : task.withItems()) {
                plain(out, item, p.of("withItems"), "withItems of " + where);
            }
        }
        if (task.withSequence() != null) {
            add(out, task.withSequence().count(), p.of("withSequence"), "withSequence of " + where);
            add(out, task.withSequence().start(), p.of("withSequence"), "withSequence of " + where);
            add(out, task.withSequence().end(), p.of("withSequence"), "withSequence of " + where);
        }
        for (Parameter param : task.arguments().parameters()) {
            parameter(out, param, "argument '" + param.name() + "' of " + where);
        }
        for (Artifact a : task.arguments().artifacts()) {
            artifact(out, a, "artifact argument '" + a.name() + "' of " + where);
            add(out, a.from(), a.positions().of("from"), "artifact argument '" + a.name() + "' of " + where);
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
            add(out, a.from(), a.positions().of("from"), "output artifact '" + a.name() + "' of template '"
                    + t.name() + "'");
        }
        return out;
    }

    private static void parameter(List<TextSite> out, Parameter p, String what) {
        add(out, p.value(), p.positions().of("value"), what);
        add(out, p.defaultValue(), p.positions().of("default"), what);
        if (p.valueFrom() != null) {
            SourcePosition at = p.positions().of("valueFrom");
            add(out, p.valueFrom().path(), at, what);
            add(out, p.valueFrom().parameter(), at, what);
            add(out, p.valueFrom().defaultValue(), at, what);
        }
    }

    private static void artifact(List<TextSite> out, Artifact a, String what) {
        add(out, a.path(), a.positions().of("path"), what);
        if (a.s3() != null) {
            add(out, a.s3().key(), a.positions().of("s3"), what);
            add(out, a.s3().bucket(), a.positions().of("s3"), what);
            add(out, a.s3().endpoint(), a.positions().of("s3"), what);
        }
        if (a.git() != null) {
            add(out, a.git().repo(), a.positions().of("git"), what);
            add(out, a.git().revision(), a.positions().of("git"), what);
        }
        if (a.raw() != null) {
            add(out, a.raw().data(), a.positions().of("raw"), what);
        }
        if (a.http() != null) {
            add(out, a.http().url(), a.positions().of("http"), what);
        }
    }

    private static void plain(List<TextSite> out, Object v, SourcePosition at, String what) {
        if (v instanceof String s) {
            add(out, s, at, what);
        } else if (v instanceof Map<?, ?> m) {
            m.values().forEach(x -> plain(out, x, at, what));
        } else if (v instanceof List<?> l) {
            l.forEach(x -> plain(out, x, at, what));
        }
    }

    private static void tree(List<TextSite> out, Object k8sObject, SourcePosition at, String what) {
        if (k8sObject == null) {
            return;
        }
        walk(out, Serialization.jsonMapper().valueToTree(k8sObject), at, what);
    }

    private static void walk(List<TextSite> out, JsonNode node, SourcePosition at, String what) {
        if (node.isTextual()) {
            add(out, node.asText(), at, what);
        } else if (node.isContainerNode()) {
            Iterator<JsonNode> it = node.elements();
            while (it.hasNext()) {
                walk(out, it.next(), at, what);
            }
        }
    }

    private static void add(List<TextSite> out, String text, SourcePosition at, String what) {
        if (text != null && text.contains("{{")) {
            out.add(new TextSite(text, at, what));
        }
    }
}
