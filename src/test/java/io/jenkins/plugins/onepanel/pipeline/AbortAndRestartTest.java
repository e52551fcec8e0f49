package io.jenkins.plugins.onepanel.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import hudson.model.Result;
import io.jenkins.plugins.onepanel.OnepanelRunAction;
import io.jenkins.plugins.onepanel.TaskRecord;
import io.jenkins.plugins.onepanel.TasksOnTheBuiltInNode;
import io.jenkins.plugins.onepanel.Templates;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

/**
 * Aborting a build cancels its run and leaves nothing running; a controller restart in the middle of
 * a run fails the build with a clear message and marks the run lost, since the engine keeps a run
 * in memory only.
 */
@ExtendWith(TasksOnTheBuiltInNode.class)
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "the templates' commands are POSIX shell ones")
class AbortAndRestartTest {

    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    private static WorkflowRun startSleeper(JenkinsRule r) throws Exception {
        r.jenkins.setNumExecutors(2);
        WorkflowJob p = r.createProject(WorkflowJob.class, "sleeper");
        p.setDefinition(
                new CpsFlowDefinition("onepanelWorkflow text: " + Templates.groovyLiteral(Templates.SLEEPER), true));
        WorkflowRun b = p.scheduleBuild2(0).waitForStart();
        r.waitForMessage("[sleeper] started", b);
        return b;
    }

    @Test
    void abortCancelsTheRun() throws Throwable {
        sessions.then(r -> {
            WorkflowRun b = startSleeper(r);
            b.doStop();
            r.assertBuildStatus(Result.ABORTED, r.waitForCompletion(b));
            OnepanelRunAction action = b.getAction(OnepanelRunAction.class);
            assertFalse(action.isRunning());
            assertThat(action.getNodes().stream().map(TaskRecord::isDone).toList(), everyItem(is(true)));
        });
    }

    @Test
    void aRestartFailsTheBuildClearlyAndMarksTheRunLost() throws Throwable {
        sessions.then(r -> startSleeper(r));
        sessions.then(r -> {
            WorkflowRun b =
                    r.jenkins.getItemByFullName("sleeper", WorkflowJob.class).getBuildByNumber(1);
            r.assertBuildStatus(Result.FAILURE, r.waitForCompletion(b));
            r.assertLogContains("The controller restarted while the workflow ran", b);
            OnepanelRunAction action = b.getAction(OnepanelRunAction.class);
            assertEquals("Error", action.getPhase());
            assertThat(action.getNodes().stream().map(TaskRecord::isDone).toList(), everyItem(is(true)));
        });
    }
}
