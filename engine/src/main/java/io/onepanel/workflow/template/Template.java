package io.onepanel.workflow.template;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.List;
import java.util.Map;

/**
 * One entry of {@code templates:}. Exactly one of {@code dag}, {@code container}, {@code script},
 * {@code suspend} is set for a supported type; unsupported types keep only their {@link #type()}.
 *
 * <p>{@code activeDeadlineSeconds} and {@code timeout} stay text: Argo allows {@code {{...}}} in them.
 */
public record Template(
        String name,
        TemplateType type,
        Inputs inputs,
        Outputs outputs,
        DagSpec dag,
        Container container,
        ScriptSpec script,
        SuspendSpec suspend,
        RetryStrategy retryStrategy,
        String activeDeadlineSeconds,
        String timeout,
        Integer parallelism,
        Boolean failFast,
        Boolean daemon,
        TemplateMetadata metadata,
        Map<String, String> nodeSelector,
        List<Toleration> tolerations,
        Affinity affinity,
        List<Volume> volumes,
        List<SidecarContainer> sidecars,
        List<SidecarContainer> initContainers,
        String podSpecPatch,
        String serviceAccountName,
        PodSecurityContext securityContext,
        String priorityClassName,
        Positions positions) {

    public Template {
        nodeSelector = Map.copyOf(nodeSelector);
        tolerations = List.copyOf(tolerations);
        volumes = List.copyOf(volumes);
        sidecars = List.copyOf(sidecars);
        initContainers = List.copyOf(initContainers);
    }

    /** The container that runs the task's command: the container, or the script's container. */
    public Container mainContainer() {
        if (container != null) {
            return container;
        }
        return script != null ? script.container() : null;
    }

    public Template withInputs(Inputs newInputs) {
        return new Template(name, type, newInputs, outputs, dag, container, script, suspend, retryStrategy,
                activeDeadlineSeconds, timeout, parallelism, failFast, daemon, metadata, nodeSelector, tolerations,
                affinity, volumes, sidecars, initContainers, podSpecPatch, serviceAccountName, securityContext,
                priorityClassName, positions);
    }

    public Template withOutputs(Outputs newOutputs) {
        return new Template(name, type, inputs, newOutputs, dag, container, script, suspend, retryStrategy,
                activeDeadlineSeconds, timeout, parallelism, failFast, daemon, metadata, nodeSelector, tolerations,
                affinity, volumes, sidecars, initContainers, podSpecPatch, serviceAccountName, securityContext,
                priorityClassName, positions);
    }
}
