package io.jenkins.plugins.onepanel.testbed;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.onepanel.workflow.pod.PodContract;
import io.onepanel.workflow.testbed.ImageTable;
import io.onepanel.workflow.testbed.TestCluster;
import io.onepanel.workflow.testbed.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.csanchez.jenkins.plugins.kubernetes.KubernetesCloud;
import org.jvnet.hudson.test.JenkinsRule;

/**
 * The engine's test bed ({@link TestCluster}) as the Kubernetes cloud of a {@link JenkinsRule}: the
 * real Kubernetes plugin provisions every task's agent pod there, the test kubelet runs its
 * containers as processes of this machine, and the {@code jnlp} container runs the real inbound agent
 * ({@code agent.jar} of the Jenkins this test runs in), which connects back over TCP. So {@code node}
 * blocks really get an agent, the staging of the pod contract really moves files, and the pod's
 * deletion really stops its containers.
 */
public final class AgentCluster implements AutoCloseable {

    public static final String NAMESPACE = "onepanel";
    public static final String CLOUD = "kubernetes";

    private final TestCluster cluster;
    private final KubernetesClient client;
    private final KubernetesCloud cloud;

    private AgentCluster(TestCluster cluster, KubernetesCloud cloud) {
        this.cluster = cluster;
        this.client = cluster.client(NAMESPACE);
        this.cloud = cloud;
    }

    /** One plain node; see {@link #start(JenkinsRule, UnaryOperator)} for more. */
    public static AgentCluster start(JenkinsRule r) throws Exception {
        return start(r, b -> b.node(TestNode.named("node-1")));
    }

    /**
     * Starts the test bed with the nodes (and anything else) {@code setup} adds, and makes it the cloud
     * {@value #CLOUD} of {@code r}, namespace {@value #NAMESPACE}. Agents connect through the inbound
     * TCP port, as they do where no WebSocket is configured.
     */
    public static AgentCluster start(JenkinsRule r, UnaryOperator<TestCluster.Builder> setup) throws Exception {
        r.jenkins.setSlaveAgentPort(0);
        ImageTable images = ImageTable.builder()
                .run("jenkins/inbound-agent*", AgentCluster::inboundAgent)
                .run("*/jenkins/inbound-agent*", AgentCluster::inboundAgent)
                .cannotBePulled("no-such-registry.example/*")
                .build();
        TestCluster cluster = setup.apply(TestCluster.builder()
                        .namespace(NAMESPACE)
                        .images(images)
                        .maxGracePeriod(Duration.ofSeconds(10)))
                .build();
        KubernetesCloud cloud = new KubernetesCloud(CLOUD);
        cloud.setServerUrl(cluster.url());
        cloud.setSkipTlsVerify(true);
        cloud.setNamespace(NAMESPACE);
        cloud.setJenkinsUrl(r.getURL().toString());
        r.jenkins.clouds.add(cloud);
        r.jenkins.save();
        return new AgentCluster(cluster, cloud);
    }

    /**
     * What the {@code jenkins/inbound-agent} image's entrypoint ({@code jenkins-agent}) runs, from the
     * environment the Kubernetes plugin gives the container.
     */
    private static List<String> inboundAgent(Container container, Map<String, String> env) {
        String jar = System.getProperty("onepanel.agentJar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("the system property onepanel.agentJar must name the agent.jar (remoting)"
                    + " of the Jenkins under test; it is " + jar);
        }
        List<String> argv = new ArrayList<>(ImageTable.javaCommand());
        argv.addAll(List.of("-jar", jar, "-url", env.get("JENKINS_URL"), "-secret", env.get("JENKINS_SECRET"),
                "-name", env.get("JENKINS_AGENT_NAME"),
                "-workDir", env.getOrDefault("JENKINS_AGENT_WORKDIR", "/home/jenkins/agent")));
        String options = env.get("REMOTING_OPTS");
        if (options != null && !options.isBlank()) {
            argv.addAll(Arrays.asList(options.trim().split("\\s+")));
        }
        if ("true".equals(env.get("JENKINS_WEB_SOCKET"))) {
            argv.add("-webSocket");
        }
        if (env.get("JENKINS_TUNNEL") != null) {
            argv.addAll(List.of("-tunnel", env.get("JENKINS_TUNNEL")));
        }
        return argv;
    }

    public TestCluster cluster() {
        return cluster;
    }

    /** A client of the test bed's API server in {@value #NAMESPACE}. */
    public KubernetesClient client() {
        return client;
    }

    public KubernetesCloud cloud() {
        return cloud;
    }

    /** The run's task pods that still exist (the engine labels every one). */
    public List<Pod> taskPods() {
        return client.pods().inNamespace(NAMESPACE).withLabel(PodContract.LABEL_TASK).list().getItems();
    }

    /**
     * Waits until no task pod is left (the Kubernetes plugin deletes a pod when its agent is done, and
     * the kubelet lets its containers end first); bounded by the test's own timeout.
     */
    public void awaitNoTaskPods() throws InterruptedException {
        while (!taskPods().isEmpty()) {
            Thread.sleep(200);
        }
    }

    /**
     * Until no claim is left: a deleted claim goes once no pod mounts it (the test bed's
     * {@code kubernetes.io/pvc-protection}), which can be after the build ended. The test's timeout bounds it.
     */
    public void awaitNoClaims() throws InterruptedException {
        while (!client.persistentVolumeClaims().inNamespace(NAMESPACE).list().getItems().isEmpty()) {
            Thread.sleep(200);
        }
    }

    /** Containers of this namespace with a living process, as {@code namespace/pod/container}. */
    public List<String> livingContainers() {
        List<String> living = new ArrayList<>();
        for (Pod p : client.pods().inNamespace(NAMESPACE).list().getItems()) {
            living.addAll(cluster.livingContainers(NAMESPACE, p.getMetadata().getName()));
        }
        return living;
    }

    /** Stops the test bed: deletes every pod, and fails when a container of one outlived it. */
    @Override
    public void close() {
        cluster.close();
    }
}
