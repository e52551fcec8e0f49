package io.jenkins.plugins.onepanel.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.onepanel.NodePool;
import io.jenkins.plugins.onepanel.OnepanelWorkflowConfiguration;
import io.onepanel.workflow.pod.PodFactory;
import io.onepanel.workflow.runtime.RunInfo;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.runtime.TaskRuntime;
import io.onepanel.workflow.runtime.kubernetes.KubernetesRuntime;
import java.util.List;
import java.util.Map;

/**
 * The plugin's only use of the engine's {@code pod} package: the pod of a task attempt, and the
 * pods of a run. Whatever the engine decides about a pod (image, command gate, resources, GPUs,
 * node pools, volumes, the staging contract) stays there; this class only fits the pod to the
 * Kubernetes plugin.
 *
 * <p>Engine API assumed here (issue 4, being written; reconcile in this class only):
 * <ul>
 *   <li>{@code io.onepanel.workflow.pod.PodFactory(PodFactory.Config)} and
 *       {@code Pod PodFactory.podFor(TaskRequest)};</li>
 *   <li>{@code record PodFactory.Config(String gpuResourceName, Toleration gpuToleration,
 *       String nodePoolLabelKey, List<PodFactory.NodePool> nodePools)} and
 *       {@code record PodFactory.NodePool(String name, String value, Map<String, Quantity> limits)};</li>
 *   <li>{@code PodFactory.MAIN_CONTAINER} and {@code PodFactory.STAGER_CONTAINER}: the names of the
 *       task's container and of the container that plays the stager role of the staging contract;</li>
 *   <li>{@code static Map<String, String> PodFactory.runSelector(RunInfo)}: labels every pod of a run carries;</li>
 *   <li>{@code io.onepanel.workflow.runtime.kubernetes.KubernetesRuntime(KubernetesClient, String namespace,
 *       PodFactory)}, a {@link TaskRuntime} that creates, watches and deletes the pods itself (freestyle builds).</li>
 * </ul>
 */
public final class TaskPods {

    /**
     * The container the Kubernetes plugin starts its inbound agent in. When a pod YAML has a
     * container of this name without an image, the plugin fills in the agent image, working
     * directory and connection environment (kubernetes-plugin {@code PodTemplateBuilder#build}).
     */
    static final String AGENT_CONTAINER = "jnlp";

    private final PodFactory factory;
    private final String gpuResourceName;
    private final String nodePoolLabelKey;
    private final List<NodePool> nodePools;

    private TaskPods(PodFactory factory, String gpuResourceName, String nodePoolLabelKey, List<NodePool> nodePools) {
        this.factory = factory;
        this.gpuResourceName = gpuResourceName;
        this.nodePoolLabelKey = nodePoolLabelKey;
        this.nodePools = nodePools;
    }

    /** Pods as the administrator configured them (node pools, GPU resource and toleration). */
    @NonNull
    public static TaskPods configuredBy(@NonNull OnepanelWorkflowConfiguration config) {
        Toleration gpuToleration = new TolerationBuilder()
                .withKey(config.getGpuTolerationKey())
                .withOperator("Exists")
                .withEffect(config.getGpuTolerationEffect())
                .build();
        List<PodFactory.NodePool> pools = config.getNodePools().stream()
                .map(pool -> new PodFactory.NodePool(pool.getName(), pool.getValue(), pool.parsedLimits()))
                .toList();
        PodFactory factory = new PodFactory(
                new PodFactory.Config(config.getGpuResourceName(), gpuToleration, config.getNodePoolLabelKey(), pools));
        return new TaskPods(factory, config.getGpuResourceName(), config.getNodePoolLabelKey(), config.getNodePools());
    }

    /** The engine's pod for one attempt. */
    @NonNull
    Pod podFor(@NonNull TaskRequest request) {
        return factory.podFor(request);
    }

    /**
     * The attempt's pod as {@code podTemplate(yaml: ...)} takes it. The engine's stager container
     * becomes the agent container: it keeps the stager's mounts (the staging volumes shared with the
     * task's container), so the agent plays the stager; its image and command are left to the
     * Kubernetes plugin. Name and namespace are the Kubernetes plugin's to choose.
     */
    @NonNull
    String agentPodYaml(@NonNull Pod enginePod) {
        Container stager = enginePod.getSpec().getContainers().stream()
                .filter(c -> PodFactory.STAGER_CONTAINER.equals(c.getName()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "the engine's pod has no '" + PodFactory.STAGER_CONTAINER + "' container"));
        Container agent = new ContainerBuilder()
                .withName(AGENT_CONTAINER)
                .withVolumeMounts(stager.getVolumeMounts())
                .withEnv(stager.getEnv())
                .withResources(stager.getResources())
                .withSecurityContext(stager.getSecurityContext())
                .build();
        Pod pod = new PodBuilder(enginePod)
                .editMetadata()
                .withName(null)
                .withNamespace(null)
                .endMetadata()
                .editSpec()
                .removeMatchingFromContainers(c -> PodFactory.STAGER_CONTAINER.equals(c.getName()))
                .addToContainers(agent)
                .endSpec()
                .build();
        return Serialization.asYaml(pod);
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
                .filter(c -> PodFactory.MAIN_CONTAINER.equals(c.getName()))
                .map(c -> c.getResources() == null || c.getResources().getLimits() == null
                        ? null
                        : c.getResources().getLimits().get(gpuResourceName))
                .filter(q -> q != null)
                .map(Quantity::toString)
                .findFirst()
                .orElse(null);
        return new Placement(pool, gpus);
    }

    /** For freestyle builds: a runtime that runs each attempt as a pod through the cloud's client. */
    @NonNull
    public TaskRuntime kubernetesRuntime(@NonNull KubernetesClient client, @NonNull String namespace) {
        return new KubernetesRuntime(client, namespace, factory);
    }

    /** Deletes every pod of a run that is still there; used on abort and when a run is lost. */
    static void deleteRunPods(@NonNull KubernetesClient client, @NonNull String namespace, @NonNull RunInfo run) {
        Map<String, String> selector = PodFactory.runSelector(run);
        client.pods().inNamespace(namespace).withLabels(selector).delete();
    }

    /**
     * @param nodePool the node pool's name, or the raw node selector value when not catalogued; null for none
     * @param gpus the GPU limit of the task's container, or null
     */
    record Placement(@CheckForNull String nodePool, @CheckForNull String gpus) {}
}
