package io.jenkins.plugins.onepanel.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import hudson.model.Item;
import hudson.model.Result;
import io.jenkins.plugins.onepanel.OnepanelRunAction;
import io.jenkins.plugins.onepanel.RetryCause;
import io.jenkins.plugins.onepanel.TasksOnTheBuiltInNode;
import io.jenkins.plugins.onepanel.Templates;
import java.net.URL;
import java.nio.file.Path;
import jenkins.model.Jenkins;
import org.htmlunit.HttpMethod;
import org.htmlunit.WebRequest;
import org.htmlunit.html.HtmlPage;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * <em>Retry failed tasks</em> on a failed build: a new build reruns the failed task and what follows
 * it, and takes over the tasks that succeeded, with their outputs; it needs Job/Build.
 */
@WithJenkins
@ExtendWith(TasksOnTheBuiltInNode.class)
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "the templates' commands are POSIX shell ones")
class RetryFailedTasksTest {

    /** A diamond whose C fails the first time only (a file marks that it ran), and D reads B's output. */
    private static String diamond(Path marker) {
        return """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: A, template: say, arguments: {parameters: [{name: m, value: A}]}}
                    - {name: B, dependencies: [A], template: say, arguments: {parameters: [{name: m, value: B}]}}
                    - {name: C, dependencies: [A], template: flaky}
                    - name: D
                      dependencies: [B, C]
                      template: say
                      arguments: {parameters: [{name: m, value: "D after {{tasks.B.outputs.result}}"}]}
                - name: say
                  inputs: {parameters: [{name: m}]}
                  container: {image: alpine, command: [sh, -c, "echo ran {{inputs.parameters.m}}"]}
                - name: flaky
                  container:
                    image: alpine
                    command: [sh, -c, "if [ -f %1$s ]; then echo ran C; else touch %1$s; echo C fails once; exit 1; fi"]
                """.formatted(marker);
    }

    @Test
    void aFailedBuildIsRetriedFromItsFailedTaskReusingWhatSucceeded(JenkinsRule r, @TempDir Path dir) throws Exception {
        r.jenkins.setNumExecutors(4);
        r.jenkins.setSecurityRealm(r.createDummySecurityRealm());
        r.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.READ, Item.READ).everywhere().to("reader", "builder")
                .grant(Item.BUILD).everywhere().to("builder"));
        WorkflowJob p = r.createProject(WorkflowJob.class);
        p.setDefinition(new CpsFlowDefinition(
                "onepanelWorkflow text: " + Templates.groovyLiteral(diamond(dir.resolve("c-ran"))), true));
        WorkflowRun first = r.waitForCompletion(p.scheduleBuild2(0).waitForStart());
        r.assertBuildStatus(Result.FAILURE, first);
        r.assertLogContains("C fails once", first);
        String firstRun = first.getAction(OnepanelRunAction.class).getWorkflowName();

        JenkinsRule.WebClient reader = r.createWebClient().login("reader");
        reader.setThrowExceptionOnFailingStatusCode(false);
        WebRequest post = new WebRequest(new URL(r.getURL(), first.getUrl() + "onepanel-retry/retry"), HttpMethod.POST);
        reader.addCrumb(post);
        assertEquals(403, reader.getPage(post).getWebResponse().getStatusCode(), "Job/Build is needed");
        assertEquals(1, p.getBuilds().size(), "nothing was scheduled");

        HtmlPage page = r.createWebClient().login("builder").goTo(first.getUrl() + "onepanel-retry");
        r.submit(page.getFormByName("retry"));
        r.waitUntilNoActivity();
        WorkflowRun second = p.getBuildByNumber(2);
        assertNotNull(second, "the retry started a build");
        r.assertBuildStatusSuccess(second);
        assertNotNull(second.getCause(RetryCause.class));
        String log = second.getLog();
        assertThat(log, containsString("[A] Succeeded in " + firstRun + ": taken over, not run again"));
        assertThat(log, containsString("[B] Succeeded in " + firstRun + ": taken over, not run again"));
        assertThat(log, not(containsString("[A] ran A")));
        assertThat(log, not(containsString("[B] ran B")));
        assertThat(log, containsString("[C] ran C"));
        assertThat(log, containsString("ran D after ran B")); // B's output, from the first build's run
        String pageText = r.createWebClient().login("reader")
                .goTo(second.getUrl() + second.getAction(OnepanelRunAction.class).getUrlName())
                .asNormalizedText();
        assertThat(pageText, containsString("taken over from " + firstRun));
    }
}
