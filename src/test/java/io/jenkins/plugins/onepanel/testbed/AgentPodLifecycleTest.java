package io.jenkins.plugins.onepanel.testbed;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Computer;
import hudson.model.Result;
import hudson.remoting.Channel;
import io.jenkins.plugins.onepanel.OnepanelWorkflowConfiguration;
import io.jenkins.plugins.onepanel.Templates;
import io.onepanel.workflow.testbed.NeedsTestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.csanchez.jenkins.plugins.kubernetes.KubernetesSlave;
import org.csanchez.jenkins.plugins.kubernetes.PodTemplate;
import org.csanchez.jenkins.plugins.kubernetes.pod.retention.Always;
import org.jenkinsci.plugins.workflow.actions.ThreadNameAction;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.graphanalysis.DepthFirstScanner;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * How a task's agent pod ends, on the test bed: a stop of the build, an agent whose connection drops
 * and comes back, a pod that can never be scheduled, a cloud's defaults that must not keep a pod, and
 * a failed task as Pipeline's views show it. Each checks what really happened to the processes.
 */
@WithJenkins
@NeedsTestCluster
class AgentPodLifecycleTest {

    @TempDir
    Path tmp;

    private static String oneTask(String name, String script) {
        return """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: %s
                      template: run
                - name: run
                  container:
                    image: alpine:3.12
                    command: [sh, -c]
                    args:
                    - |
                %s
                """.formatted(name, script.indent(6).stripTrailing());
    }

    private static WorkflowRun start(JenkinsRule r, String job, String yaml) throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class, job);
        p.setDefinition(new CpsFlowDefinition("onepanelWorkflow text: " + Templates.groovyLiteral(yaml), true));
        return p.scheduleBuild2(0).waitForStart();
    }

    @Test
    void stoppingTheBuildTerminatesTheTaskAndLeavesNoPod(JenkinsRule r) throws Exception {
        r.timeout = 600;
        Path signal = tmp.resolve("signal");
        try (AgentCluster cluster = AgentCluster.start(r)) {
            WorkflowRun b = start(r, "stop", oneTask("sleeper", """
                    trap 'echo SIGTERM > %s; exit 143' TERM
                    echo started
                    while :; do sleep 1; done
                    """.formatted(signal)));
            r.waitForMessage("[sleeper] started", b);
            b.doStop();
            r.assertBuildStatus(Result.ABORTED, r.waitForCompletion(b));
            cluster.awaitNoTaskPods();
            assertThat(cluster.livingContainers(), empty());
            assertEquals("SIGTERM\n", Files.readString(signal), "the task's command got SIGTERM, as a pod deletion sends");
            assertThat(r.jenkins.getNodes(), empty());
        }
    }

    /**
     * The connection to the task's agent drops while the task runs: its container goes on, the agent
     * reconnects (as the inbound agent does), and staging goes on where it was; no line is lost.
     */
    @Test
    void anAgentThatDisconnectsAndComesBackLosesNothing(JenkinsRule r) throws Exception {
        r.timeout = 600;
        try (AgentCluster cluster = AgentCluster.start(r)) {
            WorkflowRun b = start(r, "reconnect", oneTask("talker", """
                    i=1
                    while [ $i -le 40 ]; do echo "line $i"; i=$((i+1)); sleep 0.25; done
                    """));
            r.waitForMessage("[talker] line 3", b);
            Computer agent = agentComputer(r);
            ((Channel) agent.getChannel()).close(); // as a network failure would
            r.assertBuildStatusSuccess(r.waitForCompletion(b));
            String log = JenkinsRule.getLog(b);
            assertThat(log, containsString("is not connected; waiting up to"));
            assertThat(log, containsString("the agent is back"));
            int last = -1;
            for (int i = 1; i <= 40; i++) {
                int at = log.indexOf("[talker] line " + i + "\n");
                assertThat("line " + i + " once, in order", at > last, is(true));
                assertEquals(at, log.lastIndexOf("[talker] line " + i + "\n"), "line " + i + " only once");
                last = at;
            }
            cluster.awaitNoTaskPods();
        }
    }

    private static Computer agentComputer(JenkinsRule r) throws InterruptedException {
        while (true) {
            for (Computer c : r.jenkins.getComputers()) {
                if (c.getNode() instanceof KubernetesSlave && c.getChannel() != null) {
                    return c;
                }
            }
            Thread.sleep(100);
        }
    }

    /**
     * A GPU request that no node can meet: without a bound the Kubernetes plugin provisions the pod
     * again after each connect timeout, forever. The attempt ends as an Error with the scheduler's
     * reason within the administrator's bound, and no pod is left.
     */
    @Test
    void aPodThatCanNeverBeScheduledEndsItsAttemptWithTheReason(JenkinsRule r) throws Exception {
        r.timeout = 600;
        try (AgentCluster cluster = AgentCluster.start(r)) { // the administrator's bound stays at 15 min
            String yaml = oneTask("greedy", "echo never").replace("    image: alpine:3.12\n", """
                        image: alpine:3.12
                        resources:
                          limits:
                            nvidia.com/gpu: 8
                    """);
            long started = System.nanoTime();
            WorkflowJob p = r.createProject(WorkflowJob.class, "unschedulable");
            p.setDefinition(new CpsFlowDefinition(
                    // 2 minutes: the Kubernetes plugin must have created the pod, for the scheduler to
                    // say why it cannot place it, and on a loaded machine that took over a minute once.
                    "onepanelWorkflow text: " + Templates.groovyLiteral(yaml) + ", podStartMinutes: 2", true));
            WorkflowRun b = r.waitForCompletion(p.scheduleBuild2(0).waitForStart());
            r.assertBuildStatus(Result.FAILURE, b);
            r.assertLogContains("0/1 nodes are available", b);
            r.assertLogContains("did not start within 2 min", b);
            assertThat("ended by the bound, not by the test's timeout",
                    (System.nanoTime() - started) / 1_000_000_000L, lessThan(300L));
            cluster.awaitNoTaskPods();
            assertThat(r.jenkins.getNodes(), empty());
        }
    }

    /**
     * A cloud's Defaults Provider Template applies to every pod of the cloud, and the Kubernetes
     * plugin inherits any value a pod template is not given. Its deadline must not kill a task, and
     * its retention and idle minutes must not keep a task's pod (whose container holds until deleted).
     */
    @Test
    void aCloudsDefaultsDoNotKillOrKeepTaskPods(JenkinsRule r) throws Exception {
        r.timeout = 600;
        try (AgentCluster cluster = AgentCluster.start(r)) {
            PodTemplate defaults = new PodTemplate();
            defaults.setName("defaults");
            defaults.setIdleMinutes(30);
            defaults.setActiveDeadlineSeconds(2);
            defaults.setPodRetention(new Always());
            cluster.cloud().addTemplate(defaults);
            cluster.cloud().setDefaultsProviderTemplate("defaults");
            WorkflowRun b = r.waitForCompletion(start(r, "defaults", oneTask("slow", "sleep 6; echo done")));
            r.assertBuildStatusSuccess(b);
            r.assertLogContains("[slow] done", b);
            cluster.awaitNoTaskPods();
            while (!r.jenkins.getNodes().isEmpty()) { // the agent is removed, its 30 idle minutes notwithstanding
                Thread.sleep(200);
            }
        }
    }

    @Test
    void aFailedTaskIsFailedInPipelinesViews(JenkinsRule r) throws Exception {
        r.timeout = 600;
        try (AgentCluster cluster = AgentCluster.start(r)) {
            WorkflowRun b = r.waitForCompletion(start(r, "failing", oneTask("broken", "echo oops; exit 3")));
            r.assertBuildStatus(Result.FAILURE, b);
            FlowNode branch = null;
            List<WarningAction> warnings = new ArrayList<>();
            for (FlowNode n : new DepthFirstScanner().allNodes(b.getExecution())) {
                ThreadNameAction name = n.getPersistentAction(ThreadNameAction.class);
                if (name != null && "broken".equals(name.getThreadName())) {
                    branch = n;
                }
            }
            assertNotNull(branch, "the task's branch");
            for (FlowNode n : new DepthFirstScanner().allNodes(b.getExecution())) {
                WarningAction w = n.getPersistentAction(WarningAction.class);
                if (w != null && n.getEnclosingBlocks().contains(branch)) {
                    warnings.add(w);
                }
            }
            // The attempt's report and the task's end each mark it; Pipeline's views show the worst.
            assertFalse(warnings.isEmpty(), "the task's branch holds a warning");
            assertTrue(warnings.stream().allMatch(w -> w.getResult() == Result.FAILURE));
            assertTrue(warnings.stream().anyMatch(w -> w.getMessage().contains("exit code 3")),
                    () -> "a warning names the exit code: " + warnings.stream().map(WarningAction::getMessage).toList());
            cluster.awaitNoTaskPods();
        }
    }
}
