package io.jenkins.plugins.onepanel.testbed;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;

import hudson.model.Result;
import io.jenkins.plugins.onepanel.OnepanelWorkflowConfiguration;
import io.jenkins.plugins.onepanel.Templates;
import io.onepanel.workflow.testbed.NeedsTestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.csanchez.jenkins.plugins.kubernetes.PodTemplate;
import org.csanchez.jenkins.plugins.kubernetes.volumes.HostPathVolume;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The administrator's pod limits hold for the pod the cloud really creates: a hostPath volume that
 * the cloud's Defaults Provider Template adds (after the engine checked the task's own pod, which has
 * none) stops the pod from being created, and the task never runs.
 */
@WithJenkins
@NeedsTestCluster
class FinalPodLimitsTest {

    @TempDir
    Path tmp;

    @Test
    void aHostPathAddedByTheCloudsDefaultsIsRefusedBeforeThePodExists(JenkinsRule r) throws Exception {
        r.timeout = 600;
        Path marker = tmp.resolve("ran");
        OnepanelWorkflowConfiguration.get().setAllowHostPath(false);
        try (AgentCluster cluster = AgentCluster.start(r)) {
            PodTemplate defaults = new PodTemplate();
            defaults.setName("defaults");
            // A volume of the template itself (a task pod's YAML would override a parent's YAML): the
            // Kubernetes plugin adds it to every pod of the cloud, mounted in each container.
            defaults.setVolumes(List.of(new HostPathVolume("/", "/host", false)));
            cluster.cloud().addTemplate(defaults);
            cluster.cloud().setDefaultsProviderTemplate("defaults");
            WorkflowJob p = r.createProject(WorkflowJob.class, "host-path");
            p.setDefinition(new CpsFlowDefinition("onepanelWorkflow text: " + Templates.groovyLiteral("""
                    entrypoint: main
                    templates:
                    - name: main
                      dag:
                        tasks:
                        - {name: A, template: touch}
                    - name: touch
                      container: {image: alpine:3.12, command: [sh, -c, "touch %s"]}
                    """.formatted(marker)), true));
            WorkflowRun b = r.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
            r.assertLogContains("the task's pod, as cloud 'kubernetes' would create it, may not run: volume", b);
            r.assertLogContains("mounts hostPath /, which the administrator does not allow", b);
            r.assertLogNotContains("did not start within", b); // ended by the refusal, not by the start bound
            cluster.awaitNoTaskPods();
            assertThat(cluster.client().pods().inAnyNamespace().list().getItems(), empty());
            assertThat("the task never ran", Files.exists(marker), org.hamcrest.Matchers.is(false));
        }
    }
}
