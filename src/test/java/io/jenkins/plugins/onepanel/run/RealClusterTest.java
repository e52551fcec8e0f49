package io.jenkins.plugins.onepanel.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.jenkins.plugins.onepanel.OnepanelRunAction;
import io.jenkins.plugins.onepanel.Templates;
import java.net.InetAddress;
import java.net.URL;
import jenkins.model.JenkinsLocationConfiguration;
import org.csanchez.jenkins.plugins.kubernetes.KubernetesCloud;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The diamond in real agent pods, on the cluster of the current kubeconfig (minikube, kind, ...).
 * Skipped when there is none, as the Kubernetes plugin's own tests are ({@code assumeKubernetes}).
 * The pods call back to this Jenkins over WebSocket, at {@code jenkins.host.address} (default: this
 * host's address), so the cluster must reach this machine.
 */
@WithJenkins
class RealClusterTest {

    @BeforeAll
    static void assumeKubernetes() {
        // As KubernetesTestUtil.assumeKubernetes in jenkinsci/kubernetes-plugin: a cluster answers a pod list.
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            client.pods().list();
        } catch (Exception e) {
            assumeTrue(false, "no Kubernetes cluster: " + e);
        }
    }

    @Test
    void diamondInAgentPods(JenkinsRule r) throws Exception {
        URL url = new URL(JenkinsLocationConfiguration.get().getUrl());
        String host = System.getProperty(
                "jenkins.host.address", InetAddress.getLocalHost().getHostAddress());
        JenkinsLocationConfiguration.get()
                .setUrl(new URL(url.getProtocol(), host, url.getPort(), url.getFile()).toString());

        KubernetesCloud cloud = new KubernetesCloud("kubernetes");
        cloud.setWebSocket(true);
        cloud.setNamespace(System.getProperty("onepanel.test.namespace", "default"));
        r.jenkins.clouds.add(cloud);

        WorkflowJob p = r.createProject(WorkflowJob.class);
        p.setDefinition(
                new CpsFlowDefinition("onepanelWorkflow text: " + Templates.groovyLiteral(Templates.diamond()), true));
        WorkflowRun b = r.buildAndAssertSuccess(p);
        r.assertLogContains("[D] D", b);
        assertEquals("Succeeded", b.getAction(OnepanelRunAction.class).getPhase());
    }
}
