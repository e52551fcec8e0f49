package io.jenkins.plugins.onepanel.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.onepanel.NodePool;
import io.jenkins.plugins.onepanel.OnepanelWorkflowConfiguration;
import io.onepanel.workflow.pod.GpuResource;
import io.onepanel.workflow.pod.NodePoolCatalogue;
import io.onepanel.workflow.pod.PodConfig;
import io.onepanel.workflow.pod.PodContract;
import io.onepanel.workflow.pod.PodSpecException;
import io.onepanel.workflow.pod.StagerSpec;
import io.onepanel.workflow.pod.TaskPod;
import io.onepanel.workflow.pod.TaskPodTranslator;
import io.onepanel.workflow.runtime.RunInfo;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.runtime.TaskRuntime;
import io.onepanel.workflow.runtime.kubernetes.KubernetesRuntimeConfig;
import io.onepanel.workflow.runtime.kubernetes.KubernetesTaskRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The plugin's only use of the engine's {@code pod} package and of its Kubernetes runtime: the pod
 * of a task attempt, and the pods of a run. Whatever the engine decides about a pod (image, command
 * gate, resources, GPUs, node pools, volumes, the staging contract of {@code docs/pod-contract.md})
 * stays there; this class only fits the pod to the Kubernetes plugin.
 *
 * <p>Engine API used here: {@link TaskPodTranslator#TaskPodTranslator(PodConfig)},
 * {@link TaskPodTranslator#translate(TaskRequest)} (throws {@link PodSpecException}) giving a
 * {@link TaskPod} {@code (pod, claims, plan, stagerVolumeMounts)}; {@link PodConfig}{@code (StagerSpec,
 * List<GpuResource>, NodePoolCatalogue)} with a null {@link StagerSpec} for agent pods (the
 * {@code jnlp} container is the stager); {@link GpuResource}, {@link NodePoolCatalogue},
 * {@link io.onepanel.workflow.pod.NodePool}; {@link PodContract#MAIN_CONTAINER};
 * {@link TaskPodTranslator#runLabels(RunInfo)}; and, for freestyle builds,
 * {@link KubernetesTaskRuntime#KubernetesTaskRuntime(KubernetesClient, KubernetesRuntimeConfig)}.
 */
public final class TaskPods {

    /**
     * The container the Kubernetes plugin starts its inbound agent in. When a pod YAML has a
     * container of this name without an image, the plugin fills in the agent image, working
     * directory and connection environment (kubernetes-plugin {@code PodTemplateBuilder#build}).
     */
    static final String AGENT_CONTAINER = "jnlp";

    /**
     * The agent streams artifacts (several GB for datasets and models) between the pod's volumes and
     * S3; the Kubernetes plugin's default for an agent container without resources (100m CPU, 256Mi)
     * would throttle that and risk an OOM kill of the JVM. No CPU limit, so transfers are not throttled.
     */
    static final ResourceRequirements AGENT_RESOURCES = new ResourceRequirementsBuilder()
            .addToRequests("cpu", new Quantity("500m"))
            .addToRequests("memory", new Quantity("1Gi"))
            .addToLimits("memory", new Quantity("1Gi"))
            .build();

    /** Pods for Jenkins agents: no stager container, the agent plays that role. */
    private final TaskPodTranslator agentPods;

    /** Pods the engine's Kubernetes runtime creates itself (freestyle builds): with the engine's stager. */
    private final PodConfig ownPods;

    private final String gpuResourceName;
    private final String nodePoolLabelKey;
    private final List<NodePool> nodePools;

    @CheckForNull
    private final Long agentUid;

    private TaskPods(
            PodConfig config,
            String gpuResourceName,
            String nodePoolLabelKey,
            List<NodePool> nodePools,
            @CheckForNull Long agentUid) {
        this.agentPods = new TaskPodTranslator(config.withStager(null));
        this.ownPods = config;
        this.gpuResourceName = gpuResourceName;
        this.nodePoolLabelKey = nodePoolLabelKey;
        this.nodePools = nodePools;
        this.agentUid = agentUid;
    }

    /** Pods as the administrator configured them (node pools, GPU resource and toleration). */
    @NonNull
    public static TaskPods configuredBy(@NonNull OnepanelWorkflowConfiguration config) {
        Toleration gpuToleration = new TolerationBuilder()
                .withKey(config.getGpuTolerationKey())
                .withOperator("Exists")
                .withEffect(config.getGpuTolerationEffect())
                .build();
        List<io.onepanel.workflow.pod.NodePool> pools = config.getNodePools().stream()
                .map(pool -> new io.onepanel.workflow.pod.NodePool(
                        pool.getName(), pool.getName(), pool.getValue(), pool.parsedLimits()))
                .toList();
        List<String> labelKeys = new ArrayList<>(List.of(config.getNodePoolLabelKey()));
        if (NodePoolCatalogue.LABEL_KEY.equals(config.getNodePoolLabelKey())) {
            labelKeys.add(NodePoolCatalogue.LEGACY_LABEL_KEY); // as the engine's default catalogue does
        }
        PodConfig podConfig = new PodConfig(
                StagerSpec.defaults(),
                List.of(new GpuResource(config.getGpuResourceName(), gpuToleration)),
                new NodePoolCatalogue(labelKeys, pools));
        return new TaskPods(
                podConfig,
                config.getGpuResourceName(),
                config.getNodePoolLabelKey(),
                config.getNodePools(),
                config.agentUid());
    }

    /**
     * The engine's pod for one attempt, without a stager container: its {@link TaskPod#plan()} is
     * what the agent stages, its {@link TaskPod#stagerVolumeMounts()} what the agent container mounts.
     *
     * @throws PodSpecException the attempt cannot become a pod (the engine's message names why)
     */
    @NonNull
    TaskPod podFor(@NonNull TaskRequest request) throws PodSpecException {
        return agentPods.translate(request);
    }

    /**
     * The attempt's pod as {@code podTemplate(yaml: ...)} takes it: the engine's pod plus a
     * container named {@code jnlp} with the stager's mounts (the exchange volume and the main
     * container's volumes that hold artifact paths), so the agent plays the stager; its image and
     * command are left to the Kubernetes plugin. Name and namespace are the Kubernetes plugin's to
     * choose.
     */
    @NonNull
    String agentPodYaml(@NonNull TaskPod taskPod) {
        ContainerBuilder agent = new ContainerBuilder()
                .withName(AGENT_CONTAINER)
                .withVolumeMounts(taskPod.stagerVolumeMounts())
                .withResources(AGENT_RESOURCES)
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false)
                .endSecurityContext();
        if (agentUid != null) {
            agent.editSecurityContext()
                    .withRunAsUser(agentUid)
                    .withRunAsGroup(agentUid)
                    .endSecurityContext();
        }
        PodBuilder pod = new PodBuilder(taskPod.pod())
                .editMetadata()
                .withName(null)
                .withNamespace(null)
                .endMetadata()
                .editSpec()
                .removeMatchingFromContainers(c -> AGENT_CONTAINER.equals(c.getName()))
                .addToContainers(agent.build())
                .endSpec();
        PodSecurityContext podSecurity = taskPod.pod().getSpec().getSecurityContext();
        if (agentUid != null && (podSecurity == null || podSecurity.getFsGroup() == null)) {
            // The agent writes inputs into the exchange volume and the task's volumes (PVCs) as its
            // uid; with the pod's fsGroup those volumes are group-writable for it. OnRootMismatch:
            // a dataset claim is re-owned once, not file by file at every pod's start.
            pod.editSpec()
                    .editOrNewSecurityContext()
                    .withFsGroup(agentUid)
                    .withFsGroupChangePolicy("OnRootMismatch")
                    .endSecurityContext()
                    .endSpec();
        }
        return Serialization.asYaml(pod.build());
    }

    /** Where a pod lands, for the build page: its node pool (by name when catalogued) and GPU count. */
    @NonNull
    Placement placementOf(@NonNull Pod enginePod) {
        String poolValue = enginePod.getSpec().getNodeSelector() == null
                ? null
                : enginePod.getSpec().getNodeSelector().get(nodePoolLabelKey);
        String pool = poolValue == null
                ? null
                : nodePools.stream()
                        .filter(p -> p.getValue().equals(poolValue))
                        .map(NodePool::getName)
                        .findFirst()
                        .orElse(poolValue);
        String gpus = enginePod.getSpec().getContainers().stream()
                .filter(c -> PodContract.MAIN_CONTAINER.equals(c.getName()))
                .map(c -> c.getResources() == null || c.getResources().getLimits() == null
                        ? null
                        : c.getResources().getLimits().get(gpuResourceName))
                .filter(q -> q != null)
                .map(Quantity::toString)
                .findFirst()
                .orElse(null);
        List<io.fabric8.kubernetes.api.model.Container> containers = new ArrayList<>(enginePod.getSpec().getInitContainers());
        containers.addAll(enginePod.getSpec().getContainers());
        return new Placement(pool, gpus, io.onepanel.workflow.pod.ResourcesDuration.perSecond(containers));
    }

    /**
     * For freestyle builds: the engine's own Kubernetes runtime, which creates, watches and deletes
     * each attempt's pod, with the engine's stager container ({@link StagerSpec#defaults()}).
     */
    @NonNull
    public TaskRuntime kubernetesRuntime(@NonNull KubernetesClient client, @NonNull String namespace) {
        return new KubernetesTaskRuntime(
                client,
                KubernetesRuntimeConfig.defaults().withNamespace(namespace).withPod(ownPods));
    }

    /** Deletes every pod of a run that is still there; used on abort and when a run is lost. */
    static void deleteRunPods(@NonNull KubernetesClient client, @NonNull String namespace, @NonNull RunInfo run) {
        Map<String, String> selector = TaskPodTranslator.runLabels(run);
        client.pods().inNamespace(namespace).withLabels(selector).delete();
    }

    /**
     * @param nodePool the node pool's name, or the raw node selector value when not catalogued; null for none
     * @param gpus the GPU limit of the task's container, or null
     * @param usagePerSecond what one second of the pod adds to each resource's duration, in thousandths
     *     (the task's own containers, not the agent's: {@link io.onepanel.workflow.pod.ResourcesDuration})
     */
    record Placement(
            @CheckForNull String nodePool, @CheckForNull String gpus, @NonNull Map<String, Long> usagePerSecond) {}
}
