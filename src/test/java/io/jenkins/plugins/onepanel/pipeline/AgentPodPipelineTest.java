package io.jenkins.plugins.onepanel.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import hudson.model.Result;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.jenkins.plugins.onepanel.OnepanelRunAction;
import io.jenkins.plugins.onepanel.TaskRecord;
import io.jenkins.plugins.onepanel.Templates;
import io.onepanel.workflow.pod.PodContract;
import java.util.List;
import org.csanchez.jenkins.plugins.kubernetes.KubernetesCloud;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The pod path without a cluster: a real Kubernetes cloud of the Kubernetes plugin pointed at
 * fabric8's mock API server (CRUD mode), so {@code podTemplate}, the plugin's provisioning, its
 * {@code PodTemplateBuilder} and its Reaper run for real and create, watch and delete the task's agent
 * pod there. No agent ever connects (there is no kubelet), so these tests look at the pod and at what
 * the Kubernetes plugin does when the pod fails.
 */
@WithJenkins
@EnableKubernetesMockClient(crud = true)
class AgentPodPipelineTest {

    private static final String NAMESPACE = "onepanel";

    KubernetesClient client; // set by the mock server extension

    private JenkinsRule r;

    @BeforeEach
    void cloudAtTheMockServer(JenkinsRule r) {
        this.r = r;
        KubernetesCloud cloud = new KubernetesCloud("kubernetes");
        cloud.setServerUrl(client.getMasterUrl().toString());
        cloud.setSkipTlsVerify(true);
        cloud.setNamespace(NAMESPACE);
        r.jenkins.clouds.add(cloud);
    }

    private WorkflowRun start(String script) throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class);
        p.setDefinition(new CpsFlowDefinition(script, true));
        return p.scheduleBuild2(0).waitForStart();
    }

    /** Waits (bounded by the test's timeout) until the Kubernetes plugin has created the task's pod. */
    private Pod taskPod() throws InterruptedException {
        while (true) {
            List<Pod> pods = client.pods()
                    .inNamespace(NAMESPACE)
                    .withLabel(PodContract.LABEL_TASK)
                    .list()
                    .getItems();
            if (!pods.isEmpty()) {
                return pods.get(0);
            }
            Thread.sleep(200);
        }
    }

    private static Container container(Pod pod, String name) {
        return pod.getSpec().getContainers().stream()
                .filter(c -> name.equals(c.getName()))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aTaskInsideAnOuterPodTemplateGetsItsOwnPodWithoutTheOuterContainers() throws Exception {
        WorkflowRun b = start("""
                podTemplate(containers: [containerTemplate(name: 'outer-tool', image: 'busybox', command: 'sleep', args: 'infinity')]) {
                    onepanelWorkflow text: %s
                }
                """.formatted(Templates.groovyLiteral(Templates.SLEEPER)));
        Pod pod = taskPod();

        List<String> names =
                pod.getSpec().getContainers().stream().map(Container::getName).toList();
        assertThat(names, hasItems(PodContract.MAIN_CONTAINER, "jnlp"));
        assertThat(names, not(hasItem("outer-tool"))); // inheritFrom '' is always passed
        assertThat(
                container(pod, PodContract.MAIN_CONTAINER).getEnv(),
                hasItem(new EnvVar(PodContract.ENV_HOLD, "1", null)));
        Container agent = container(pod, "jnlp");
        assertNotNull(agent.getImage());
        assertEquals("1Gi", agent.getResources().getLimits().get("memory").toString(), "the agent's own resources");

        b.doStop();
        r.assertBuildStatus(Result.ABORTED, r.waitForCompletion(b));
    }

    /**
     * The Kubernetes plugin's Reaper sees a container of the pod terminate (here: OOM-killed before the
     * agent connected), removes the agent and cancels its queue item. That is the attempt's Error,
     * reported to the engine, and not a stop of the build: the build fails as the workflow fails.
     */
    @Test
    void aPodThatFailsIsTheAttemptsErrorNotAnAbort() throws Exception {
        WorkflowRun b = start("onepanelWorkflow text: " + Templates.groovyLiteral(Templates.SLEEPER));
        Pod pod = taskPod();
        String name = pod.getMetadata().getName();
        int generation = 0;
        while (b.isBuilding()) { // until the Reaper's watch has seen it: each edit is a new event
            int restarts = ++generation;
            try {
                client.pods()
                        .inNamespace(NAMESPACE)
                        .withName(name)
                        .editStatus(p -> new PodBuilder(p)
                                .withNewStatus()
                                .withPhase("Running")
                                .addNewContainerStatus()
                                .withName(PodContract.MAIN_CONTAINER)
                                .withRestartCount(restarts)
                                .withNewState()
                                .withNewTerminated()
                                .withExitCode(137)
                                .withReason("OOMKilled")
                                .endTerminated()
                                .endState()
                                .endContainerStatus()
                                .endStatus()
                                .build());
            } catch (KubernetesClientException gone) {
                // the Reaper deleted the pod already
            }
            Thread.sleep(500);
        }
        r.assertBuildStatus(Result.FAILURE, b);
        r.assertLogContains("the task's pod or its agent went away", b);
        TaskRecord sleeper = b.getAction(OnepanelRunAction.class).getNodes().stream()
                .filter(n -> "sleeper".equals(n.getName()))
                .findFirst()
                .orElseThrow();
        assertEquals("Error", sleeper.getPhase());
    }
}
