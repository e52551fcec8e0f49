package io.onepanel.workflow.validate;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.onepanel.workflow.diagnostics.Diagnostics;
import io.onepanel.workflow.diagnostics.SourcePosition;
import io.onepanel.workflow.template.Positions;
import io.onepanel.workflow.template.SidecarContainer;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.Workflow;
import java.util.Collection;
import java.util.Map;

/**
 * What the Kubernetes API server would reject, caught before anything runs: names and label
 * values, resource quantities, extended resources (GPUs) whose requests and limits differ.
 */
final class KubernetesCheck {

    private final Workflow workflow;
    private final Diagnostics out;

    KubernetesCheck(Workflow workflow, Diagnostics out) {
        this.workflow = workflow;
        this.out = out;
    }

    void check(Collection<Template> templates) {
        if (workflow.kind() != null && !workflow.kind().isEmpty() && workflow.name() != null) {
            String problem = NamingRules.dns1123Subdomain(workflow.name());
            if (problem != null) {
                String field = workflow.positions().has("metadata.name") ? "metadata.name" : "metadata.generateName";
                out.error(at(workflow.positions(), field, null), "invalid-name", "workflow name '" + workflow.name()
                        + "' " + problem);
            }
        }
        labels(workflow.labels(), workflow.positions(), "metadata.labels", "the workflow's labels");
        labels(workflow.podMetadata().labels(), workflow.positions(), "podMetadata.labels", "podMetadata");
        for (int i = 0; i < workflow.volumes().size(); i++) {
            volumeName(workflow.volumes().get(i).getName(), at(workflow.positions(), "volumes." + i + ".name", "volumes"));
        }
        workflow.volumeClaimTemplates().forEach(c -> {
            String name = c.getMetadata() == null ? null : c.getMetadata().getName();
            if (name == null) {
                out.error(workflow.positions().of("volumeClaimTemplates"), "missing-field",
                        "a volumeClaimTemplate has no metadata.name");
            } else {
                volumeName(name, workflow.positions().of("volumeClaimTemplates"));
            }
        });
        for (Template t : templates) {
            String where = "template '" + t.name() + "'";
            Positions p = t.positions();
            if (t.mainContainer() != null) {
                resources(t.mainContainer(), p, t.container() != null ? "container" : "script",
                        "the container of " + where);
            }
            for (int i = 0; i < t.sidecars().size(); i++) {
                SidecarContainer s = t.sidecars().get(i);
                resources(s.container(), p, "sidecars." + i, "sidecar '" + s.container().getName() + "' of " + where);
                if (s.container().getName() == null) {
                    out.error(at(p, "sidecars." + i, "sidecars"), "missing-field", "a sidecar of " + where
                            + " has no name");
                }
            }
            for (int i = 0; i < t.initContainers().size(); i++) {
                resources(t.initContainers().get(i).container(), p, "initContainers." + i, "init container of " + where);
            }
            labels(t.metadata().labels(), p, "metadata.labels", "the labels of " + where);
            for (int i = 0; i < t.volumes().size(); i++) {
                volumeName(t.volumes().get(i).getName(), at(p, "volumes." + i + ".name", "volumes"));
            }
        }
    }

    /** The position of the value at {@code path}, else of {@code field} (or the element), else of the element. */
    private static SourcePosition at(Positions p, String path, String field) {
        if (p.has(path)) {
            return p.of(path);
        }
        return field == null ? p.start() : p.of(field);
    }

    private void resources(Container c, Positions p, String path, String where) {
        ResourceRequirements r = c.getResources();
        if (r == null) {
            return;
        }
        String field = path.contains(".") ? path.substring(0, path.indexOf('.')) : path;
        Map<String, Quantity> requests = r.getRequests() == null ? Map.of() : r.getRequests();
        Map<String, Quantity> limits = r.getLimits() == null ? Map.of() : r.getLimits();
        requests.forEach((k, q) -> quantity(k, q, at(p, path + ".resources.requests." + k, field), where + " requests"));
        limits.forEach((k, q) -> quantity(k, q, at(p, path + ".resources.limits." + k, field), where + " limits"));
        for (Map.Entry<String, Quantity> e : requests.entrySet()) {
            String name = e.getKey();
            if (!isExtended(name) || text(e.getValue()).contains("{{")) {
                continue;
            }
            SourcePosition at = at(p, path + ".resources.requests." + name, field);
            Quantity limit = limits.get(name);
            if (limit == null) {
                out.error(at, "gpu-limits", where + " requests " + text(e.getValue()) + " " + name
                        + " without a limit; extended resources such as GPUs cannot be overcommitted, so set"
                        + " limits." + name + " to the same value (or give only the limit)");
            } else if (!text(limit).contains("{{") && !same(e.getValue(), limit)) {
                out.error(at, "gpu-limits", where + " requests " + text(e.getValue()) + " " + name + " but limits it"
                        + " to " + text(limit) + "; for extended resources such as GPUs requests must equal limits");
            }
        }
    }

    private void quantity(String resource, Quantity q, SourcePosition at, String where) {
        String text = text(q);
        if (text.contains("{{")) {
            return;
        }
        try {
            Quantity.getAmountInBytes(q);
        } catch (RuntimeException e) {
            out.error(at, "invalid-quantity", where + ": " + resource + " '" + text + "' is not a Kubernetes quantity;"
                    + " expected a number with an optional suffix such as 500m, 2, 1.5, 512Mi, 4Gi");
        }
    }

    private static boolean same(Quantity a, Quantity b) {
        try {
            return Quantity.getAmountInBytes(a).compareTo(Quantity.getAmountInBytes(b)) == 0;
        } catch (RuntimeException e) {
            return text(a).equals(text(b));
        }
    }

    /** Anything but the built-in resources is extended (nvidia.com/gpu, amd.com/gpu, ...). */
    private static boolean isExtended(String name) {
        return name.contains("/") && !name.startsWith("kubernetes.io/") && !name.startsWith("requests.")
                && !name.startsWith("hugepages-");
    }

    private static String text(Quantity q) {
        return q.getAmount() + (q.getFormat() == null ? "" : q.getFormat());
    }

    private void labels(Map<String, String> labels, Positions p, String path, String where) {
        String field = path.substring(0, path.indexOf('.'));
        labels.forEach((k, v) -> {
            SourcePosition at = at(p, path + "." + k, field);
            String keyProblem = NamingRules.labelKey(k);
            if (keyProblem != null) {
                out.error(at(p, path + "." + k + "@key", field), "invalid-label", where + ": label key '" + k + "' " + keyProblem);
            }
            if (!v.contains("{{")) {
                String valueProblem = NamingRules.labelValue(v);
                if (valueProblem != null) {
                    out.error(at, "invalid-label", where + ": the value of label '" + k + "' ('" + v + "') "
                            + valueProblem);
                }
            }
        });
    }

    private void volumeName(String name, SourcePosition at) {
        if (name == null) {
            out.error(at, "missing-field", "a volume has no name");
            return;
        }
        if (name.contains("{{")) {
            return;
        }
        String problem = NamingRules.dns1123Label(name);
        if (problem != null) {
            out.error(at, "invalid-name", "volume name '" + name + "' " + problem);
        }
    }
}
