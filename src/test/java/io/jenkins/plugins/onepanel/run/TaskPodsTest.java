package io.jenkins.plugins.onepanel.run;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.onepanel.NodePool;
import io.jenkins.plugins.onepanel.OnepanelWorkflowConfiguration;
import io.jenkins.plugins.onepanel.Templates;
import io.onepanel.workflow.engine.LoadResult;
import io.onepanel.workflow.engine.WorkflowEngine;
import io.onepanel.workflow.pod.PodContract;
import io.onepanel.workflow.pod.TaskPod;
import io.onepanel.workflow.pod.TaskPodTranslator;
import io.onepanel.workflow.runtime.RunInfo;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.runtime.external.ExternalTaskRuntime;
import io.onepanel.workflow.template.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.csanchez.jenkins.plugins.kubernetes.ContainerTemplate;
import org.csanchez.jenkins.plugins.kubernetes.KubernetesCloud;
import org.csanchez.jenkins.plugins.kubernetes.KubernetesSlave;
import org.csanchez.jenkins.plugins.kubernetes.PodTemplate;
import org.csanchez.jenkins.plugins.kubernetes.PodTemplateBuilder;
import org.csanchez.jenkins.plugins.kubernetes.pod.yaml.Merge;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The pod side against fabric8's mock API server in CRUD mode (what the Kubernetes plugin's own
 * tests use): the engine's pod fitted to the Kubernetes plugin, and the clean-up of a run's pods.
 */
@WithJenkins
@EnableKubernetesMockClient(crud = true)
class TaskPodsTest {

    private static final String NAMESPACE = "onepanel";

    KubernetesClient client; // set by the mock server extension

    private static TaskRequest firstTaskOfTheDiamond(RunInfo run) {
        WorkflowEngine engine = WorkflowEngine.builder()
                .runtime(new ExternalTaskRuntime(task -> task.complete(TaskResult.error("this test runs no task"))))
                .artifacts(TaskStaging.noRepository())
                .build();
        LoadResult loaded = engine.load("dag-diamond.yaml", Templates.diamond());
        Workflow workflow = loaded.workflow();
        return new TaskRequest(
                run,
                "A",
                run.workflowName() + "-a",
                0,
                workflow.template("echo").orElseThrow(),
                workflow,
                null);
    }

    @Test
    void theAgentContainerPlaysTheStagerWithTheEnginesStagerMounts(JenkinsRule r) throws Exception {
        RunInfo run = new RunInfo("diamond-1", "0b7e2c", NAMESPACE, Instant.now());
        TaskPods pods = TaskPods.configuredBy(OnepanelWorkflowConfiguration.get());
        TaskPod taskPod = pods.podFor(firstTaskOfTheDiamond(run));
        Pod enginePod = taskPod.pod();

        Pod agentPod = Serialization.unmarshal(pods.agentPodYaml(taskPod), Pod.class);

        List<String> names = agentPod.getSpec().getContainers().stream()
                .map(Container::getName)
                .toList();
        assertThat(names, hasItem(PodContract.MAIN_CONTAINER));
        assertThat(names, hasItem(TaskPods.AGENT_CONTAINER));
        assertThat(names, not(hasItem(PodContract.STAGER_CONTAINER)));
        Container agent = agentPod.getSpec().getContainers().stream()
                .filter(c -> TaskPods.AGENT_CONTAINER.equals(c.getName()))
                .findFirst()
                .orElseThrow();
        assertNull(agent.getImage(), "the Kubernetes plugin chooses the agent image");
        assertEquals(taskPod.stagerVolumeMounts(), agent.getVolumeMounts(), "the agent sees the staging volumes");
        assertThat(
                agent.getVolumeMounts().stream().map(m -> m.getMountPath()).toList(),
                hasItem(PodContract.EXCHANGE_DIR));
        assertNull(agentPod.getMetadata().getName(), "the Kubernetes plugin names agent pods");
        assertEquals(enginePod.getMetadata().getLabels(), agentPod.getMetadata().getLabels());

        // The API server takes it as it is (with the name the Kubernetes plugin would give it).
        Pod created = client.pods()
                .inNamespace(NAMESPACE)
                .resource(new PodBuilder(agentPod)
                        .editMetadata()
                        .withName("diamond-1-a-agent")
                        .endMetadata()
                        .build())
                .create();
        assertEquals(
                agentPod.getSpec().getContainers().size(),
                created.getSpec().getContainers().size());
    }

    /**
     * The pod as the Kubernetes plugin really builds it from {@code podTemplate(yaml: ...)}
     * ({@link PodTemplateBuilder#build()}, the code behind every agent pod): the task's container
     * outlives its command (the plugin's Reaper disconnects an agent when any container of its pod
     * terminates), the agent container gets the plugin's image and connection, our resources and
     * uid, and nothing of a cloud template leaks in unless inheritFrom names it.
     */
    @Test
    void theKubernetesPluginBuildsTheAgentPodFromTheYaml(JenkinsRule r) throws Exception {
        KubernetesCloud cloud = new KubernetesCloud("kubernetes");
        PodTemplate outer = new PodTemplate();
        outer.setName("outer");
        outer.setContainers(new ArrayList<>(List.of(new ContainerTemplate("outer-tool", "busybox"))));
        cloud.addTemplate(outer);
        r.jenkins.clouds.add(cloud);
        RunInfo run = new RunInfo("diamond-1", "0b7e2c", NAMESPACE, Instant.now());
        TaskPods pods = TaskPods.configuredBy(OnepanelWorkflowConfiguration.get());
        String yaml = pods.agentPodYaml(pods.podFor(firstTaskOfTheDiamond(run)));

        Pod pod = build(cloud, yaml, null);

        assertThat(
                pod.getSpec().getContainers().stream().map(Container::getName).toList(),
                containsInAnyOrder(PodContract.MAIN_CONTAINER, TaskPods.AGENT_CONTAINER));
        Container main = container(pod, PodContract.MAIN_CONTAINER);
        assertThat(main.getEnv(), hasItem(new EnvVar(PodContract.ENV_HOLD, "1", null)));
        assertEquals(List.of("sh", "-c", PodContract.GATE_SCRIPT, PodContract.GATE_NAME), main.getCommand());
        Container agent = container(pod, TaskPods.AGENT_CONTAINER);
        assertNotNull(agent.getImage(), "the Kubernetes plugin's inbound agent image");
        assertThat(agent.getEnv().stream().map(EnvVar::getName).toList(), hasItem("JENKINS_AGENT_WORKDIR"));
        // Not the Kubernetes plugin's 100m/256Mi default for an agent container without resources:
        assertEquals(
                TaskPods.AGENT_RESOURCES.getRequests().get("cpu"),
                agent.getResources().getRequests().get("cpu"));
        assertEquals(
                TaskPods.AGENT_RESOURCES.getLimits().get("memory"),
                agent.getResources().getLimits().get("memory"));
        assertEquals(1000L, agent.getSecurityContext().getRunAsUser(), "the administrator's agent user, 1000 by default");
        assertEquals(1000L, pod.getSpec().getSecurityContext().getFsGroup());
        assertEquals(
                "OnRootMismatch",
                pod.getSpec().getSecurityContext().getFsGroupChangePolicy(),
                "a dataset claim is not re-owned file by file at every start");
        assertThat(
                agent.getVolumeMounts().stream().map(VolumeMount::getMountPath).toList(),
                hasItem(PodContract.EXCHANGE_DIR));

        // inheritFrom names a cloud template: its containers join (merged YAML), as the user asked.
        Pod inherited = build(cloud, yaml, "outer");
        assertThat(
                inherited.getSpec().getContainers().stream()
                        .map(Container::getName)
                        .toList(),
                hasItem("outer-tool"));
    }

    private static Pod build(KubernetesCloud cloud, String yaml, String inheritFrom) throws Exception {
        PodTemplate template = new PodTemplate();
        template.setName("task-a");
        template.setLabel("task-a");
        template.setYaml(yaml);
        template.setInheritFrom(inheritFrom);
        template.setYamlMergeStrategy(new Merge());
        PodTemplate effective = cloud.getUnwrappedTemplate(template);
        KubernetesSlave agent =
                KubernetesSlave.builder().podTemplate(effective).cloud(cloud).build();
        return new PodTemplateBuilder(effective, agent).build();
    }

    private static Container container(Pod pod, String name) {
        return pod.getSpec().getContainers().stream()
                .filter(c -> name.equals(c.getName()))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void placementNamesTheCataloguedNodePoolAndGpus(JenkinsRule r) {
        OnepanelWorkflowConfiguration config = OnepanelWorkflowConfiguration.get();
        NodePool v100 = new NodePool("Tesla V100", "Standard_NC6s_v3");
        v100.setLimits("nvidia.com/gpu=1");
        config.setNodePools(List.of(v100));
        TaskPods pods = TaskPods.configuredBy(config);
        Pod pod = new PodBuilder()
                .withNewSpec()
                .withNodeSelector(Map.of(config.getNodePoolLabelKey(), "Standard_NC6s_v3"))
                .addNewContainer()
                .withName(PodContract.MAIN_CONTAINER)
                .withNewResources()
                .addToLimits("nvidia.com/gpu", new io.fabric8.kubernetes.api.model.Quantity("1"))
                .endResources()
                .endContainer()
                .endSpec()
                .build();
        TaskPods.Placement placement = pods.placementOf(pod);
        assertEquals("Tesla V100", placement.nodePool());
        assertEquals("1", placement.gpus());
    }

    @Test
    void deletingARunDeletesEveryPodOfItAndNoOther(JenkinsRule r) {
        RunInfo run = new RunInfo("diamond-2", "5d1f0a", NAMESPACE, Instant.now());
        RunInfo other = new RunInfo("diamond-3", "77aa01", NAMESPACE, Instant.now());
        createPod("diamond-2-a", TaskPodTranslator.runLabels(run));
        createPod("diamond-2-b", TaskPodTranslator.runLabels(run));
        createPod("diamond-3-a", TaskPodTranslator.runLabels(other));

        TaskPods.deleteRunPods(client, NAMESPACE, run);

        List<String> left = client.pods().inNamespace(NAMESPACE).list().getItems().stream()
                .map(p -> p.getMetadata().getName())
                .toList();
        assertThat(left, contains("diamond-3-a"));
        assertTrue(client.pods().inNamespace(NAMESPACE).withName("diamond-2-a").get() == null);
    }

    private void createPod(String name, Map<String, String> labels) {
        client.pods()
                .inNamespace(NAMESPACE)
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withLabels(new HashMap<>(labels))
                        .endMetadata()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("main")
                        .withImage("alpine")
                        .endContainer()
                        .endSpec()
                        .build())
                .create();
    }
}
