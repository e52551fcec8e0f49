package io.onepanel.workflow.template;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A loaded workflow: the spec of an Argo {@code Workflow}/{@code WorkflowTemplate} or an Onepanel
 * bare template document. Immutable; Kubernetes parts are fabric8 model objects.
 *
 * @param source the file name every diagnostic refers to
 * @param kind {@code Workflow}, {@code WorkflowTemplate}, {@code ClusterWorkflowTemplate}, or empty
 *     for Onepanel's bare spec
 * @param name metadata.name, or generateName, or the uid Onepanel derives from a display name, or the
 *     file's base name: always the name the run's Kubernetes objects are named after
 * @param displayName the human name of an Onepanel template file ({@code metadata.name} of its
 *     wrapper, such as {@code PyTorch Training}); null for other documents
 * @param hooks lifecycle hooks of the workflow by name ({@code spec.hooks})
 */
public record Workflow(
        String source,
        String kind,
        String name,
        String namespace,
        Map<String, String> labels,
        String entrypoint,
        Arguments arguments,
        Map<String, Template> templates,
        String onExit,
        Integer parallelism,
        Long activeDeadlineSeconds,
        List<Volume> volumes,
        List<PersistentVolumeClaim> volumeClaimTemplates,
        String volumeClaimGCStrategy,
        Map<String, String> nodeSelector,
        List<Toleration> tolerations,
        Affinity affinity,
        String serviceAccountName,
        List<LocalObjectReference> imagePullSecrets,
        PodSecurityContext securityContext,
        String podGCStrategy,
        String podSpecPatch,
        TemplateMetadata podMetadata,
        Positions positions,
        Map<String, LifecycleHook> hooks,
        String displayName) {

    /** A workflow without lifecycle hooks or a display name. */
    public Workflow(String source, String kind, String name, String namespace, Map<String, String> labels,
            String entrypoint, Arguments arguments, Map<String, Template> templates, String onExit, Integer parallelism,
            Long activeDeadlineSeconds, List<Volume> volumes, List<PersistentVolumeClaim> volumeClaimTemplates,
            String volumeClaimGCStrategy, Map<String, String> nodeSelector, List<Toleration> tolerations,
            Affinity affinity, String serviceAccountName, List<LocalObjectReference> imagePullSecrets,
            PodSecurityContext securityContext, String podGCStrategy, String podSpecPatch,
            TemplateMetadata podMetadata, Positions positions) {
        this(source, kind, name, namespace, labels, entrypoint, arguments, templates, onExit, parallelism,
                activeDeadlineSeconds, volumes, volumeClaimTemplates, volumeClaimGCStrategy, nodeSelector, tolerations,
                affinity, serviceAccountName, imagePullSecrets, securityContext, podGCStrategy, podSpecPatch,
                podMetadata, positions, Map.of(), null);
    }

    /** A workflow with lifecycle hooks and no display name. */
    public Workflow(String source, String kind, String name, String namespace, Map<String, String> labels,
            String entrypoint, Arguments arguments, Map<String, Template> templates, String onExit, Integer parallelism,
            Long activeDeadlineSeconds, List<Volume> volumes, List<PersistentVolumeClaim> volumeClaimTemplates,
            String volumeClaimGCStrategy, Map<String, String> nodeSelector, List<Toleration> tolerations,
            Affinity affinity, String serviceAccountName, List<LocalObjectReference> imagePullSecrets,
            PodSecurityContext securityContext, String podGCStrategy, String podSpecPatch,
            TemplateMetadata podMetadata, Positions positions, Map<String, LifecycleHook> hooks) {
        this(source, kind, name, namespace, labels, entrypoint, arguments, templates, onExit, parallelism,
                activeDeadlineSeconds, volumes, volumeClaimTemplates, volumeClaimGCStrategy, nodeSelector, tolerations,
                affinity, serviceAccountName, imagePullSecrets, securityContext, podGCStrategy, podSpecPatch,
                podMetadata, positions, hooks, null);
    }

    public Workflow {
        hooks = hooks == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hooks));
        labels = Map.copyOf(labels);
        templates = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(templates));
        volumes = List.copyOf(volumes);
        volumeClaimTemplates = List.copyOf(volumeClaimTemplates);
        nodeSelector = Map.copyOf(nodeSelector);
        tolerations = List.copyOf(tolerations);
        imagePullSecrets = List.copyOf(imagePullSecrets);
    }

    public Workflow withTemplates(Map<String, Template> newTemplates) {
        return new Workflow(source, kind, name, namespace, labels, entrypoint, arguments, newTemplates, onExit,
                parallelism, activeDeadlineSeconds, volumes, volumeClaimTemplates, volumeClaimGCStrategy, nodeSelector,
                tolerations, affinity, serviceAccountName, imagePullSecrets, securityContext, podGCStrategy,
                podSpecPatch, podMetadata, positions, hooks, displayName);
    }

    public Workflow withArguments(Arguments newArguments) {
        return new Workflow(source, kind, name, namespace, labels, entrypoint, newArguments, templates, onExit,
                parallelism, activeDeadlineSeconds, volumes, volumeClaimTemplates, volumeClaimGCStrategy, nodeSelector,
                tolerations, affinity, serviceAccountName, imagePullSecrets, securityContext, podGCStrategy,
                podSpecPatch, podMetadata, positions, hooks, displayName);
    }

    /** The same workflow with {@code newHooks} as its lifecycle hooks. */
    public Workflow withHooks(Map<String, LifecycleHook> newHooks) {
        return new Workflow(source, kind, name, namespace, labels, entrypoint, arguments, templates, onExit,
                parallelism, activeDeadlineSeconds, volumes, volumeClaimTemplates, volumeClaimGCStrategy, nodeSelector,
                tolerations, affinity, serviceAccountName, imagePullSecrets, securityContext, podGCStrategy,
                podSpecPatch, podMetadata, positions, newHooks, displayName);
    }

    /** What to call the workflow when showing it to people: its display name, else its name. */
    public String title() {
        return displayName != null ? displayName : name;
    }

    /** This workflow under another display name (null for none). */
    public Workflow withDisplayName(String newDisplayName) {
        return new Workflow(source, kind, name, namespace, labels, entrypoint, arguments, templates, onExit,
                parallelism, activeDeadlineSeconds, volumes, volumeClaimTemplates, volumeClaimGCStrategy, nodeSelector,
                tolerations, affinity, serviceAccountName, imagePullSecrets, securityContext, podGCStrategy,
                podSpecPatch, podMetadata, positions, hooks, newDisplayName);
    }

    public Optional<Template> template(String templateName) {
        return Optional.ofNullable(templates.get(templateName));
    }
}
