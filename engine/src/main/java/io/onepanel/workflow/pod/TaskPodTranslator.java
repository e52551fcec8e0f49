package io.onepanel.workflow.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.onepanel.workflow.diagnostics.Diagnostic;
import io.onepanel.workflow.runtime.RunInfo;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.KubernetesExpansion;
import io.onepanel.workflow.template.Parameter;
import io.onepanel.workflow.template.SidecarContainer;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.TemplateMetadata;
import io.onepanel.workflow.template.Workflow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns one resolved task attempt into its pod, as Argo's {@code workflowpod.go} does: the main
 * container (named {@code main}) behind the {@link PodContract} gate, the stager, sidecars and init
 * containers, the volumes they mount, placement (template settings win over the workflow's, as in
 * Argo), node pool limits, GPU tolerations, identity labels, and finally the workflow's and the
 * template's {@code podSpecPatch}.
 */
public final class TaskPodTranslator {

    private final PodConfig config;
    private final PodChecks checks;

    public TaskPodTranslator(PodConfig config) {
        this.config = config;
        this.checks = new PodChecks(config);
    }

    public PodConfig config() {
        return config;
    }

    public TaskPod translate(TaskRequest request) throws PodSpecException {
        Template t = request.template();
        Workflow wf = request.workflow();
        RunInfo run = request.run();
        List<Diagnostic> problems = new ArrayList<>(checks.check(t, wf));
        if (!t.type().runsPod()) {
            problems.add(Diagnostic.error(PodChecks.at(t, wf, "name"), "not-a-pod",
                    "template '" + t.name() + "' is a " + t.type().key() + " template; only container and script "
                            + "templates run in a pod"));
        }
        String podName = request.podName() != null ? request.podName()
                : PodNames.podName(run.workflowName(), request.taskName(), request.attempt());
        if (!PodNames.isDnsLabel(podName)) {
            problems.add(Diagnostic.error(PodChecks.at(t, wf, "name"), "invalid-pod-name", "pod name '" + podName
                    + "' must be a DNS-1123 label: lower case letters, digits and '-', at most 63 characters ("
                    + podName.length() + " given)"));
        }
        if (problems.stream().anyMatch(Diagnostic::isError)) {
            throw new PodSpecException(problems);
        }

        Container user = t.mainContainer();
        List<VolumeMount> userMounts = user.getVolumeMounts();
        ArtifactPaths paths = ArtifactPaths.of(t, userMounts);

        Map<String, String> selector = new TreeMap<>(PodChecks.effectiveNodeSelector(t, wf));
        Optional<NodePool> pool = config.nodePools().resolve(selector);
        var resources = ResourceRules.effective(user.getResources(), pool, config);

        List<String> argv = new ArrayList<>(config.command(user));
        argv.addAll(user.getArgs());
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar(PodContract.ENV_PROGRESS_FILE, PodContract.PROGRESS_FILE, null)); // the template's own wins
        env.addAll(user.getEnv());
        // Kubernetes expands $(VAR) and $$ in env values: what the engine puts there goes in literally.
        if (!paths.copyIn().isEmpty()) {
            env.add(new EnvVar(PodContract.ENV_COPY_IN, KubernetesExpansion.literal(String.join("\n",
                    paths.copyIn())), null));
        }
        if (!paths.copyOut().isEmpty()) {
            env.add(new EnvVar(PodContract.ENV_COPY_OUT, KubernetesExpansion.literal(String.join("\n",
                    paths.copyOut())), null));
        }
        if (t.script() != null && t.script().source() != null && !t.script().source().isEmpty()) {
            // As in Argo, only a script with a source gets its path appended to the command.
            env.add(new EnvVar(PodContract.ENV_SCRIPT, KubernetesExpansion.literal(t.script().source()), null));
        }
        String workingDir = user.getWorkingDir();
        if (config.stager() == null) {
            // Another container (a Jenkins agent) stages: the main container must outlive the command.
            env.add(new EnvVar(PodContract.ENV_HOLD, "1", null));
            if (workingDir != null) {
                env.add(new EnvVar(PodContract.ENV_WORKDIR, workingDir, null)); // see ENV_WORKDIR: the gate enters it
                workingDir = null;
            }
        }
        VolumeMount exchange = new VolumeMountBuilder().withName(PodContract.EXCHANGE_VOLUME)
                .withMountPath(PodContract.EXCHANGE_DIR).build();
        List<VolumeMount> mainMounts = new ArrayList<>(userMounts);
        mainMounts.add(exchange);
        Container main = new ContainerBuilder(user)
                .withName(PodContract.MAIN_CONTAINER)
                .withCommand("sh", "-c", PodContract.GATE_SCRIPT, PodContract.GATE_NAME)
                .withArgs(argv)
                .withEnv(env)
                .withWorkingDir(workingDir)
                .withResources(resources)
                .withVolumeMounts(mainMounts)
                .build();

        StagingPlan plan = new StagingPlan(paths.inputs(), paths.outputs(), paths.outputParameters());
        List<VolumeMount> stagerMounts = new ArrayList<>();
        stagerMounts.add(exchange);
        stagerMounts.addAll(paths.mirrors());

        List<Container> containers = new ArrayList<>();
        containers.add(main);
        if (config.stager() != null) {
            containers.add(stager(config.stager(), plan, stagerMounts));
        }
        for (SidecarContainer s : t.sidecars()) {
            containers.add(withMirroredMounts(s, userMounts));
        }
        List<Container> initContainers = new ArrayList<>();
        for (SidecarContainer s : t.initContainers()) {
            initContainers.add(withMirroredMounts(s, userMounts));
        }

        List<PersistentVolumeClaim> claims = new ArrayList<>();
        List<Volume> volumes = new ArrayList<>();
        volumes.add(new VolumeBuilder().withName(PodContract.EXCHANGE_VOLUME).withNewEmptyDir().endEmptyDir().build());
        List<VolumeMount> allMounts = new ArrayList<>();
        containers.forEach(c -> allMounts.addAll(c.getVolumeMounts()));
        initContainers.forEach(c -> allMounts.addAll(c.getVolumeMounts()));
        for (VolumeMount m : allMounts) {
            if (volumes.stream().noneMatch(v -> v.getName().equals(m.getName()))) {
                volumes.add(volume(m.getName(), t, wf, run, claims));
            }
        }

        List<Toleration> tolerations = new ArrayList<>(t.tolerations().isEmpty() ? wf.tolerations() : t.tolerations());
        if (resources != null) {
            for (GpuResource gpu : config.gpuResources()) {
                boolean asked = resources.getLimits().containsKey(gpu.name());
                if (asked && gpu.toleration() != null && !tolerations.contains(gpu.toleration())) {
                    tolerations.add(gpu.toleration());
                }
            }
        }

        PodSpecBuilder spec = new PodSpecBuilder()
                .withRestartPolicy("Never")
                .withContainers(containers)
                .withInitContainers(initContainers)
                .withVolumes(volumes)
                .withNodeSelector(selector)
                .withTolerations(tolerations)
                .withAffinity(t.affinity() != null ? t.affinity() : wf.affinity())
                .withSecurityContext(t.securityContext() != null ? t.securityContext() : wf.securityContext())
                .withServiceAccountName(t.serviceAccountName() != null ? t.serviceAccountName()
                        : wf.serviceAccountName())
                .withImagePullSecrets(wf.imagePullSecrets())
                .withPriorityClassName(t.priorityClassName())
                .withActiveDeadlineSeconds(deadline(t, request));
        PodSpec podSpec = spec.build();
        try {
            podSpec = PodSpecPatch.apply(podSpec, wf.podSpecPatch());
            podSpec = PodSpecPatch.apply(podSpec, t.podSpecPatch());
        } catch (IllegalArgumentException e) {
            throw new PodSpecException(List.of(Diagnostic.error(PodChecks.at(t, wf, "podSpecPatch"),
                    "invalid-pod-spec-patch", e.getMessage())));
        }

        Pod pod = new PodBuilder()
                .withNewMetadata()
                .withName(podName)
                .withNamespace(run.namespace())
                .withLabels(labels(request))
                .withAnnotations(annotations(request))
                .endMetadata()
                .withSpec(podSpec)
                .build();
        return new TaskPod(pod, claims, plan, stagerMounts);
    }

    /** Labels that find a run's pods: workflow, run uid, task, template, attempt. */
    public static Map<String, String> runLabels(RunInfo run) {
        Map<String, String> labels = new TreeMap<>();
        labels.put(PodContract.LABEL_MANAGED_BY, PodContract.MANAGED_BY);
        labels.put(PodContract.LABEL_WORKFLOW, PodNames.labelValue(run.workflowName()));
        labels.put(PodContract.LABEL_RUN_UID, PodNames.labelValue(run.uid()));
        return labels;
    }

    private static Map<String, String> labels(TaskRequest request) {
        Map<String, String> labels = new TreeMap<>();
        TemplateMetadata wfMeta = request.workflow().podMetadata();
        TemplateMetadata tMeta = request.template().metadata();
        if (wfMeta != null) {
            labels.putAll(wfMeta.labels());
        }
        if (tMeta != null) {
            labels.putAll(tMeta.labels());
        }
        labels.putAll(runLabels(request.run()));
        labels.put(PodContract.LABEL_TASK, PodNames.labelValue(request.taskName()));
        labels.put(PodContract.LABEL_TEMPLATE, PodNames.labelValue(request.template().name()));
        labels.put(PodContract.LABEL_ATTEMPT, Integer.toString(request.attempt()));
        return labels;
    }

    private static Map<String, String> annotations(TaskRequest request) {
        Map<String, String> annotations = new TreeMap<>();
        TemplateMetadata wfMeta = request.workflow().podMetadata();
        TemplateMetadata tMeta = request.template().metadata();
        if (wfMeta != null) {
            annotations.putAll(wfMeta.annotations());
        }
        if (tMeta != null) {
            annotations.putAll(tMeta.annotations());
        }
        annotations.put(PodContract.ANNOTATION_DEFAULT_CONTAINER, PodContract.MAIN_CONTAINER);
        annotations.put(PodContract.ANNOTATION_TASK_NAME, request.taskName());
        annotations.put(PodContract.ANNOTATION_WORKFLOW_NAME, request.run().workflowName());
        return annotations;
    }

    private static Long deadline(Template t, TaskRequest request) {
        Long fromTemplate = t.activeDeadlineSeconds() == null ? null : PodChecks.parseSeconds(t.activeDeadlineSeconds());
        Long fromRequest = request.timeout() == null ? null
                : Math.max(1, (request.timeout().toMillis() + 999) / 1000);
        if (fromTemplate == null) {
            return fromRequest;
        }
        return fromRequest == null ? fromTemplate : Math.min(fromTemplate, fromRequest);
    }

    private static Container stager(StagerSpec spec, StagingPlan plan, List<VolumeMount> mounts) {
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVarBuilder().withName(PodContract.ENV_STAGING_PLAN).withValue(plan.toJson()).build());
        env.addAll(spec.env());
        return new ContainerBuilder()
                .withName(PodContract.STAGER_CONTAINER)
                .withImage(spec.image())
                .withImagePullPolicy(spec.imagePullPolicy())
                .withCommand(spec.command())
                .withEnv(env)
                .withEnvFrom(spec.envFrom())
                .withResources(spec.resources())
                .withVolumeMounts(mounts)
                .withTerminationMessagePath(PodContract.TERMINATION_MESSAGE_PATH)
                .withTerminationMessagePolicy("File")
                .build();
    }

    /** Argo's {@code mirrorVolumeMounts}: the sidecar also mounts the main container's volumes. */
    private static Container withMirroredMounts(SidecarContainer s, List<VolumeMount> mainMounts) {
        if (!s.mirrorVolumeMounts()) {
            return new ContainerBuilder(s.container()).build();
        }
        List<VolumeMount> mounts = new ArrayList<>(s.container().getVolumeMounts());
        for (VolumeMount m : mainMounts) {
            if (mounts.stream().noneMatch(x -> x.getMountPath().equals(m.getMountPath()))) {
                mounts.add(m);
            }
        }
        return new ContainerBuilder(s.container()).withVolumeMounts(mounts).build();
    }

    private static Volume volume(String name, Template t, Workflow wf, RunInfo run, List<PersistentVolumeClaim> claims) {
        for (Volume v : t.volumes()) {
            if (v.getName().equals(name)) {
                return new VolumeBuilder(v).build();
            }
        }
        for (Volume v : wf.volumes()) {
            if (v.getName().equals(name)) {
                return new VolumeBuilder(v).build();
            }
        }
        for (PersistentVolumeClaim template : wf.volumeClaimTemplates()) {
            if (template.getMetadata().getName().equals(name)) {
                PersistentVolumeClaim claim = claim(template, run);
                claims.add(claim);
                return new VolumeBuilder().withName(name).withNewPersistentVolumeClaim()
                        .withClaimName(claim.getMetadata().getName()).endPersistentVolumeClaim().build();
            }
        }
        throw new IllegalStateException("volume '" + name + "' passed the checks but is unknown");
    }

    /** The run's claim made from a volumeClaimTemplate: {@code <workflow>-<name>}, as Argo names it. */
    public static PersistentVolumeClaim claim(PersistentVolumeClaim template, RunInfo run) {
        Map<String, String> labels = new TreeMap<>(template.getMetadata().getLabels());
        labels.putAll(runLabels(run));
        return new PersistentVolumeClaimBuilder(template)
                .withStatus(null)
                .editMetadata()
                .withName(PodNames.claimName(run.workflowName(), template.getMetadata().getName()))
                .withNamespace(run.namespace())
                .withLabels(labels)
                .endMetadata()
                .build();
    }

    /** An absolute path without a trailing slash (and "/" for the root). */
    static String normalize(String path) {
        String p = path.replaceAll("/+", "/");
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    /** Where each artifact path of a template lives, per {@link PodContract}. */
    record ArtifactPaths(List<Artifact> inputs, List<Artifact> outputs, List<StagingPlan.OutputParameter> outputParameters,
            List<String> copyIn, List<String> copyOut, List<VolumeMount> mirrors) {

        static ArtifactPaths of(Template t, List<VolumeMount> mainMounts) {
            List<Artifact> inputs = new ArrayList<>();
            List<Artifact> outputs = new ArrayList<>();
            List<StagingPlan.OutputParameter> parameters = new ArrayList<>();
            List<String> copyIn = new ArrayList<>();
            List<String> copyOut = new ArrayList<>();
            Map<String, VolumeMount> mirrors = new LinkedHashMap<>();
            for (Artifact a : t.inputs().artifacts()) {
                if (!a.hasLocation() && a.optional()) {
                    continue; // an optional input that was not given: nothing to stage (Argo skips it too)
                }
                inputs.add(a);
                place(normalize(a.path()), mainMounts, true, copyIn, mirrors);
            }
            for (Artifact a : t.outputs().artifacts()) {
                outputs.add(a);
                place(normalize(a.path()), mainMounts, false, copyOut, mirrors);
            }
            for (Parameter p : t.outputs().parameters()) {
                if (p.valueFrom() != null && p.valueFrom().path() != null) {
                    String def = p.valueFrom().defaultValue() != null ? p.valueFrom().defaultValue() : p.defaultValue();
                    parameters.add(new StagingPlan.OutputParameter(p.name(), p.valueFrom().path(), def));
                    place(normalize(p.valueFrom().path()), mainMounts, false, copyOut, mirrors);
                }
            }
            List<VolumeMount> mirrorList = new ArrayList<>(mirrors.values());
            mirrorList.sort(Comparator.comparing(VolumeMount::getMountPath));
            return new ArtifactPaths(inputs, outputs, parameters, dedupe(copyIn), dedupe(copyOut), mirrorList);
        }

        private static void place(String path, List<VolumeMount> mainMounts, boolean write, List<String> copies,
                Map<String, VolumeMount> mirrors) {
            VolumeMount holder = null;
            for (VolumeMount m : mainMounts) {
                String mp = normalize(m.getMountPath());
                if ((path.equals(mp) || path.startsWith(mp.equals("/") ? "/" : mp + "/"))
                        && (holder == null || mp.length() > normalize(holder.getMountPath()).length())) {
                    holder = m;
                }
            }
            if (holder == null) {
                copies.add(path);
                return;
            }
            String mp = normalize(holder.getMountPath());
            VolumeMount known = mirrors.get(mp);
            boolean readOnly = !write && (known == null || Boolean.TRUE.equals(known.getReadOnly()));
            mirrors.put(mp, new VolumeMountBuilder()
                    .withName(holder.getName())
                    .withMountPath(PodContract.mainfs(mp))
                    .withSubPath(holder.getSubPath())
                    .withSubPathExpr(holder.getSubPathExpr())
                    .withReadOnly(readOnly ? Boolean.TRUE : null)
                    .build());
        }

        private static List<String> dedupe(List<String> paths) {
            return new ArrayList<>(new java.util.LinkedHashSet<>(paths));
        }
    }
}
