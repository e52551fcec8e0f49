package io.onepanel.workflow.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.onepanel.workflow.diagnostics.ClosestName;
import io.onepanel.workflow.diagnostics.Diagnostic;
import io.onepanel.workflow.diagnostics.SourcePosition;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.Parameter;
import io.onepanel.workflow.template.SidecarContainer;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.Workflow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything about a container or script template's pod that can be checked before anything runs:
 * quantities, GPUs, node pools, names, volumes, artifact paths, podSpecPatch. Returns problems and
 * never throws, so the validator can report them all with positions. Values still holding
 * {@code {{...}}} are left for the check after substitution.
 */
public final class PodChecks {

    private final PodConfig config;

    public PodChecks(PodConfig config) {
        this.config = config;
    }

    public List<Diagnostic> check(Template t, Workflow wf) {
        List<Diagnostic> problems = new ArrayList<>();
        if (!t.type().runsPod()) {
            return problems;
        }
        String kind = t.script() != null ? "script" : "container";
        Container main = t.mainContainer();
        if (main == null) {
            problems.add(error(t, wf, kind, "no-container", "template '" + t.name() + "' has no " + kind));
            return problems;
        }
        if (main.getImage() == null || main.getImage().isBlank()) {
            problems.add(error(t, wf, kind, "missing-image", kind + " of template '" + t.name() + "' has no image"));
        }
        if (main.getCommand().isEmpty()) {
            var entrypoint = config.images().entrypoint(main.getImage());
            if (entrypoint.isEmpty()) {
                problems.add(error(t, wf, kind, "missing-command", kind + " of template '" + t.name()
                        + "' has no command: a pod's command runs behind a `sh -c` gate that waits for its inputs, "
                        + "so it must be written out (the image's ENTRYPOINT cannot be read without asking its "
                        + "registry; Argo's emissary executor needs it written too); give the container a command, "
                        + "or map image " + main.getImage() + " to its entrypoint in an images file (--images FILE,"
                        + " a line such as '\"" + main.getImage() + "\": [program]')"));
            } else if (entrypoint.get().isEmpty() && main.getArgs().isEmpty()) {
                problems.add(error(t, wf, kind, "missing-command", kind + " of template '" + t.name()
                        + "' has no command and no args, and the images file says image " + main.getImage()
                        + " has no entrypoint: there is nothing to run"));
            }
        }
        for (EnvVar env : main.getEnv()) {
            if (env.getName() != null && env.getName().startsWith("ONEPANEL_WORKFLOW_")) {
                problems.add(error(t, wf, kind, "reserved-env", "env " + env.getName()
                        + ": names starting with ONEPANEL_WORKFLOW_ are reserved for the pod contract"));
            }
        }

        var pool = config.nodePools().resolve(effectiveNodeSelector(t, wf));
        checkResources(t, wf, kind, "main", ResourceRules.effective(main.getResources(), pool, config), problems);
        checkContainers(t, wf, "sidecars", t.sidecars(), problems);
        checkContainers(t, wf, "initContainers", t.initContainers(), problems);

        Map<String, String> selector = effectiveNodeSelector(t, wf);
        problems.addAll(config.nodePools().check(selector,
                t.nodeSelector().isEmpty() ? wfAt(wf, "nodeSelector") : at(t, wf, "nodeSelector")));

        checkVolumes(t, wf, main, problems);
        checkPaths(t, wf, problems);

        String ads = t.activeDeadlineSeconds();
        if (ads != null && !ads.contains("{{") && parseSeconds(ads) == null) {
            problems.add(error(t, wf, "activeDeadlineSeconds", "invalid-deadline",
                    "activeDeadlineSeconds: '" + ads + "' is not a positive whole number of seconds"));
        }
        checkPatch(wf.podSpecPatch(), wfAt(wf, "podSpecPatch"), problems);
        checkPatch(t.podSpecPatch(), at(t, wf, "podSpecPatch"), problems);
        return problems;
    }

    static Map<String, String> effectiveNodeSelector(Template t, Workflow wf) {
        return t.nodeSelector().isEmpty() ? wf.nodeSelector() : t.nodeSelector();
    }

    static Long parseSeconds(String text) {
        try {
            long v = Long.parseLong(text.trim());
            return v > 0 ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void checkContainers(Template t, Workflow wf, String field, List<SidecarContainer> containers,
            List<Diagnostic> problems) {
        Set<String> names = new HashSet<>();
        for (SidecarContainer s : containers) {
            Container c = s.container();
            String name = c.getName();
            if (name == null || !PodNames.isDnsLabel(name)) {
                problems.add(error(t, wf, field, "invalid-container-name", field + ": container name '" + name
                        + "' must be a DNS-1123 label (lower case letters, digits and '-', at most 63 characters)"));
            } else if (name.equals(PodContract.MAIN_CONTAINER) || name.equals(PodContract.STAGER_CONTAINER)) {
                problems.add(error(t, wf, field, "reserved-container-name", field + ": container name '" + name
                        + "' is taken by the pod contract"));
            } else if (!names.add(name)) {
                problems.add(error(t, wf, field, "duplicate-container-name", field + ": two containers named '"
                        + name + "'"));
            }
            checkResources(t, wf, field, field + "[" + name + "]", c.getResources(), problems);
        }
    }

    private void checkResources(Template t, Workflow wf, String field, String where,
            io.fabric8.kubernetes.api.model.ResourceRequirements r, List<Diagnostic> problems) {
        for (String p : ResourceRules.problems(where, r, config)) {
            String code = p.contains("GPUs cannot be overcommitted") ? "gpu-limit-missing"
                    : p.contains("not a quantity") ? "invalid-quantity" : "invalid-resources";
            problems.add(error(t, wf, field, code, p));
        }
    }

    private void checkVolumes(Template t, Workflow wf, Container main, List<Diagnostic> problems) {
        Set<String> known = new LinkedHashSet<>();
        t.volumes().stream().map(Volume::getName).forEach(known::add);
        wf.volumes().stream().map(Volume::getName).forEach(known::add);
        wf.volumeClaimTemplates().stream().map(c -> c.getMetadata().getName()).forEach(known::add);
        List<VolumeMount> mounts = new ArrayList<>(main.getVolumeMounts());
        t.sidecars().forEach(s -> mounts.addAll(s.container().getVolumeMounts()));
        t.initContainers().forEach(s -> mounts.addAll(s.container().getVolumeMounts()));
        Set<String> reported = new HashSet<>();
        for (VolumeMount m : mounts) {
            if (!known.contains(m.getName()) && reported.add(m.getName())) {
                problems.add(error(t, wf, "volumeMounts", "unknown-volume", "volumeMounts: volume '" + m.getName()
                        + "' is not among the template's volumes, the workflow's volumes or its "
                        + "volumeClaimTemplates" + ClosestName.hint(m.getName(), known)));
            }
            if (PodContract.EXCHANGE_VOLUME.equals(m.getName())) {
                problems.add(error(t, wf, "volumeMounts", "reserved-volume", "volumeMounts: the volume name '"
                        + m.getName() + "' is reserved for the pod contract"));
            }
        }
        for (PersistentVolumeClaim claim : wf.volumeClaimTemplates()) {
            String name = claim.getMetadata() == null ? null : claim.getMetadata().getName();
            if (name == null || !PodNames.isDnsLabel(name)) {
                problems.add(Diagnostic.error(wfAt(wf, "volumeClaimTemplates"), "invalid-claim-name",
                        "volumeClaimTemplates: name '" + name + "' must be a DNS-1123 label"));
            }
        }
    }

    private void checkPaths(Template t, Workflow wf, List<Diagnostic> problems) {
        List<Artifact> artifacts = new ArrayList<>(t.inputs().artifacts());
        artifacts.addAll(t.outputs().artifacts());
        for (Artifact a : artifacts) {
            checkPath(t, wf, "artifact '" + a.name() + "'", a.path(), a.positions() == null
                    ? at(t, wf, "artifacts") : a.positions().of("path"), problems);
        }
        for (Parameter p : t.outputs().parameters()) {
            if (p.valueFrom() != null && p.valueFrom().path() != null) {
                checkPath(t, wf, "output parameter '" + p.name() + "'", p.valueFrom().path(),
                        p.positions() == null ? at(t, wf, "outputs") : p.positions().of("valueFrom"), problems);
            }
        }
    }

    private static void checkPath(Template t, Workflow wf, String what, String path, SourcePosition at,
            List<Diagnostic> problems) {
        if (path == null || path.isEmpty()) {
            problems.add(Diagnostic.error(at, "missing-path", what + " has no path"));
        } else if (path.contains("{{")) {
            return;
        } else if (!path.startsWith("/")) {
            problems.add(Diagnostic.error(at, "relative-path", what + ": path '" + path
                    + "' must be absolute (it is a path in the task's container)"));
        } else if (TaskPodTranslator.normalize(path).equals("/")) {
            problems.add(Diagnostic.error(at, "root-path", what + ": path '/' cannot be staged; name a directory"));
        } else if (path.contains("\n")) {
            problems.add(Diagnostic.error(at, "invalid-path", what + ": path contains a line break"));
        }
    }

    private static void checkPatch(String patch, SourcePosition at, List<Diagnostic> problems) {
        if (patch == null || patch.isBlank() || patch.contains("{{")) {
            return;
        }
        try {
            PodSpecPatch.apply(new io.fabric8.kubernetes.api.model.PodSpec(), patch);
        } catch (IllegalArgumentException e) {
            problems.add(Diagnostic.error(at, "invalid-pod-spec-patch", e.getMessage()));
        }
    }

    static SourcePosition at(Template t, Workflow wf, String field) {
        return t.positions() == null ? SourcePosition.unknown(wf.source()) : t.positions().of(field);
    }

    static SourcePosition wfAt(Workflow wf, String field) {
        return wf.positions() == null ? SourcePosition.unknown(wf.source()) : wf.positions().of(field);
    }

    private static Diagnostic error(Template t, Workflow wf, String field, String code, String message) {
        return Diagnostic.error(at(t, wf, field), code, message);
    }
}
