package io.jenkins.plugins.onepanel;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import hudson.Functions;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Result;
import java.util.List;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The freestyle build step: the same run, the engine driving the tasks (here on the build's node). */
@WithJenkins
@ExtendWith(TasksOnTheBuiltInNode.class)
class OnepanelWorkflowBuilderTest {

    @Test
    void diamondInAFreestyleJob(JenkinsRule r) throws Exception {
        assumeFalse(Functions.isWindows(), "the template's commands are POSIX ones");
        FreeStyleProject p = r.createFreeStyleProject();
        OnepanelWorkflowBuilder step = new OnepanelWorkflowBuilder();
        step.setText(Templates.diamond());
        p.getBuildersList().add(step);
        FreeStyleBuild b = r.buildAndAssertSuccess(p);
        String log = JenkinsRule.getLog(b);
        assertThat(log.indexOf("[A] A"), lessThan(log.indexOf("[B] B")));
        assertThat(log.indexOf("[C] C"), lessThan(log.indexOf("[D] D")));
        OnepanelRunAction action = b.getAction(OnepanelRunAction.class);
        assertEquals("Succeeded", action.getPhase());

        // Read back from disk as Jenkins loads builds (the summary from build.xml, the nodes from the
        // run's directory), the build page shows the same run.
        r.jenkins.reload();
        FreeStyleBuild loaded = r.jenkins.getItemByFullName(p.getFullName(), FreeStyleProject.class)
                .getBuildByNumber(b.getNumber());
        OnepanelRunAction saved = loaded.getAction(OnepanelRunAction.class);
        assertNotNull(saved, "the run was saved with the build");
        assertEquals("Succeeded", saved.getPhase());
        assertEquals(action.getNodes().size(), saved.getNodes().size());
        assertEquals(action.getOutputs(), saved.getOutputs());
    }

    @Test
    void anInvalidTemplateFailsTheBuildBeforeAnythingRuns(JenkinsRule r) throws Exception {
        FreeStyleProject p = r.createFreeStyleProject();
        OnepanelWorkflowBuilder step = new OnepanelWorkflowBuilder();
        step.setText("entrypoint: nowhere\ntemplates: []\n");
        p.getBuildersList().add(step);
        FreeStyleBuild b = r.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        r.assertLogContains("(inline template):1:", b);
        r.assertLogContains("nothing was started", b);
    }

    /**
     * Pipeline's generic {@code step} can call any build step; this one would then take the freestyle
     * path (pods the engine makes itself, no stages, no restart), so it refuses and names the step to use.
     */
    @Test
    void fromPipelinesGenericStepItRefusesAndNamesThePipelineStep(JenkinsRule r) throws Exception {
        org.jenkinsci.plugins.workflow.job.WorkflowJob p = r.createProject(
                org.jenkinsci.plugins.workflow.job.WorkflowJob.class, "generic-step");
        p.setDefinition(new org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition(
                "node { step([$class: 'OnepanelWorkflowBuilder', text: " + Templates.groovyLiteral(Templates.diamond())
                        + "]) }", true));
        org.jenkinsci.plugins.workflow.job.WorkflowRun b = r.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        r.assertLogContains("The Onepanel workflow build step is for freestyle jobs; in a Pipeline call"
                + " onepanelWorkflow template: '...'", b);
        assertNull(b.getAction(OnepanelRunAction.class), "no run was started");
    }

    /** failFast has three values, "as the template says" (null) among them; each survives a save. */
    @Test
    void configurationRoundTrip(JenkinsRule r) throws Exception {
        for (Boolean failFast : new Boolean[] {null, true, false}) {
            FreeStyleProject p = r.createFreeStyleProject();
            OnepanelWorkflowBuilder step = new OnepanelWorkflowBuilder();
            step.setTemplate("workflows/train.yaml");
            step.setParameters(List.of(new WorkflowParameter("epochs", "20"), new WorkflowParameter("lr", "0.01")));
            step.setNamespace("ml");
            step.setParallelism(4);
            step.setFailFast(failFast);
            p.getBuildersList().add(step);
            r.configRoundtrip(p);
            OnepanelWorkflowBuilder after = p.getBuildersList().get(OnepanelWorkflowBuilder.class);
            r.assertEqualDataBoundBeans(step, after);
            assertEquals(failFast, after.getFailFast(), "failFast " + failFast);
        }
    }

    @Test
    void parameterInputsFollowOnepanelMetadata(JenkinsRule r) throws Exception {
        OnepanelWorkflowConfiguration.get().setNodePools(List.of(new NodePool("Tesla V100", "Standard_NC6s_v3")));
        FreeStyleProject p = r.createFreeStyleProject();
        OnepanelWorkflowBuilder step = new OnepanelWorkflowBuilder();
        step.setText("""
                entrypoint: main
                arguments:
                  parameters:
                  - name: epochs
                    value: "10"
                    displayName: Epochs
                    hint: How many passes over the data
                    type: input.number
                  - name: sys-node-pool
                    value: Standard_NC6s_v3
                    displayName: Node pool
                    type: select.nodepool
                  - name: secret-sauce
                    value: x
                    visibility: private
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: a
                      template: t
                - name: t
                  container:
                    image: alpine
                    command: [echo, "{{workflow.parameters.epochs}}"]
                """);
        step.setParameters(List.of(new WorkflowParameter("epochs", "20")));
        p.getBuildersList().add(step);
        List<ParameterInput> inputs = r.jenkins
                .getDescriptorByType(OnepanelWorkflowBuilder.DescriptorImpl.class)
                .parameterInputs(step, p);
        assertThat(inputs.stream().map(ParameterInput::getName).toList(), contains("epochs", "sys-node-pool"));
        ParameterInput epochs = inputs.get(0);
        assertEquals("Epochs", epochs.getLabel());
        assertEquals("number", epochs.getKind());
        assertEquals("20", epochs.getValue());
        ParameterInput pool = inputs.get(1);
        assertEquals("select", pool.getKind());
        assertEquals("Tesla V100", pool.getOptions().get(0).getName());

        // and the form posts them back as the same parameters
        r.configRoundtrip(p);
        assertEquals(
                List.of(
                        new WorkflowParameter("epochs", "20"),
                        new WorkflowParameter("sys-node-pool", "Standard_NC6s_v3")),
                p.getBuildersList().get(OnepanelWorkflowBuilder.class).getParameters());
    }

    /**
     * A template's parameter labels and hints are text, never HTML (f:entry writes them raw unless
     * told to escape), and two radio parameters are two radio groups that keep their own values.
     */
    @Test
    void templateTextIsEscapedAndEachRadioParameterIsItsOwnGroup(JenkinsRule r) throws Exception {
        FreeStyleProject p = r.createFreeStyleProject();
        OnepanelWorkflowBuilder step = new OnepanelWorkflowBuilder();
        step.setText("""
                entrypoint: main
                arguments:
                  parameters:
                  - name: optimizer
                    value: adam
                    displayName: <img id=injected-label src=x>Optimizer
                    hint: <b id=injected-hint>bold</b>
                    type: input.radio
                    options:
                    - name: Adam
                      value: adam
                    - name: SGD
                      value: sgd
                  - name: precision
                    value: fp32
                    type: input.radio
                    options:
                    - name: FP16
                      value: fp16
                    - name: FP32
                      value: fp32
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: a
                      template: t
                - name: t
                  container:
                    image: alpine
                    command: [echo, "{{workflow.parameters.optimizer}}"]
                """);
        step.setParameters(
                List.of(new WorkflowParameter("optimizer", "sgd"), new WorkflowParameter("precision", "fp16")));
        p.getBuildersList().add(step);

        HtmlPage page = r.createWebClient().getPage(p, "configure");
        assertNull(page.getElementById("injected-label"), "the label is text");
        assertNull(page.getElementById("injected-hint"), "the hint is text");
        assertThat(page.getWebResponse().getContentAsString(), containsString("&lt;b id=injected-hint&gt;"));

        r.configRoundtrip(p);
        assertEquals(
                List.of(new WorkflowParameter("optimizer", "sgd"), new WorkflowParameter("precision", "fp16")),
                p.getBuildersList().get(OnepanelWorkflowBuilder.class).getParameters());
    }
}
