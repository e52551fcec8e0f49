package io.jenkins.plugins.onepanel.testbed;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;

import io.jenkins.plugins.onepanel.Templates;
import io.onepanel.workflow.testbed.NeedsTestCluster;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * Every task an agent pod of the Kubernetes plugin whose containers really run on the test bed: the
 * inbound agent connects, stages, lets the task's container run, and the pod goes when the task ends.
 */
@WithJenkins
@NeedsTestCluster
class AgentPodsEndToEndTest {

    @Test
    void theDiamondRunsEveryTaskInAnAgentPod(JenkinsRule r) throws Exception {
        r.timeout = 900;
        try (AgentCluster cluster = AgentCluster.start(r)) {
            WorkflowJob p = r.createProject(WorkflowJob.class, "diamond");
            p.setDefinition(new CpsFlowDefinition(
                    "onepanelWorkflow text: " + Templates.groovyLiteral(Templates.diamond()), true));
            WorkflowRun b = r.buildAndAssertSuccess(p);
            for (String task : new String[] {"A", "B", "C", "D"}) {
                r.assertLogContains("[" + task + "] " + task, b); // the echo of the task's own container
            }
            cluster.awaitNoTaskPods();
            assertThat(cluster.livingContainers(), empty());
        }
    }
}
