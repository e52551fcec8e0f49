package io.jenkins.plugins.onepanel.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import hudson.model.Result;
import io.jenkins.plugins.onepanel.ArtifactRepository;
import io.jenkins.plugins.onepanel.OnepanelRunAction;
import io.jenkins.plugins.onepanel.OnepanelWorkflowConfiguration;
import io.jenkins.plugins.onepanel.TaskRecord;
import io.jenkins.plugins.onepanel.TasksOnTheBuiltInNode;
import io.jenkins.plugins.onepanel.Templates;
import io.jenkins.plugins.onepanel.WorkflowParameter;
import java.nio.file.Path;
import java.util.List;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.workflow.steps.StepConfigTester;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The {@code onepanelWorkflow} Pipeline step, end to end, with tasks on the built-in node (the
 * test switch), so the DAG's order, parameters and outputs are tested without a cluster.
 */
@WithJenkins
@ExtendWith(TasksOnTheBuiltInNode.class)
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "the templates' commands are POSIX shell ones")
class OnepanelWorkflowStepTest {

    private JenkinsRule r;

    @BeforeEach
    void setUp(JenkinsRule r) throws Exception {
        this.r = r;
        r.jenkins.setNumExecutors(4); // the driver's `node('built-in')` needs executors there
    }

    private WorkflowRun run(String script) throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class);
        p.setDefinition(new CpsFlowDefinition(script, true));
        return p.scheduleBuild2(0).waitForStart();
    }

    @Test
    void diamondRunsAThenBAndCThenD() throws Exception {
        WorkflowRun b =
                r.waitForCompletion(run("onepanelWorkflow text: " + Templates.groovyLiteral(Templates.diamond())));
        r.assertBuildStatusSuccess(b);
        String log = b.getLog();
        int a = log.indexOf("[A] A");
        int bb = log.indexOf("[B] B");
        int c = log.indexOf("[C] C");
        int d = log.indexOf("[D] D");
        assertThat(a, greaterThan(-1));
        assertThat(a, lessThan(bb));
        assertThat(a, lessThan(c));
        assertThat(bb, lessThan(d));
        assertThat(c, lessThan(d));

        OnepanelRunAction action = b.getAction(OnepanelRunAction.class);
        assertEquals("Succeeded", action.getPhase());
        List<TaskRecord> pods = action.getNodes().stream()
                .filter(n -> "POD".equals(n.getType()))
                .toList();
        assertThat(pods, hasSize(4));
        assertThat(pods.stream().map(TaskRecord::getPhase).toList(), everyItem(is("Succeeded")));
        TaskRecord d1 =
                pods.stream().filter(n -> n.getName().equals("D")).findFirst().orElseThrow();
        assertEquals("B, C", d1.getDepends());
    }

    @Test
    void anOnepanelTemplateFileRunsUnderItsDisplayName() throws Exception {
        String wrapped = "metadata:\n  name: Diamond Demo\n  kind: Workflow\n  version: 20200605090509\n"
                + "  action: create\nspec:\n" + Templates.diamond().replaceAll("(?m)^", "  ");
        WorkflowRun b = r.buildAndAssertSuccess(pipeline("onepanelWorkflow text: " + Templates.groovyLiteral(wrapped)));
        OnepanelRunAction action = b.getAction(OnepanelRunAction.class);
        assertEquals("Diamond Demo", action.getTitle());
        assertEquals("Workflow Diamond Demo", action.getDisplayName());
        r.assertLogContains("[D] D", b);
    }

    @Test
    void parametersAndOutputsPassBetweenTasksAndComeBackAsAMap(@TempDir Path dir) throws Exception {
        String yaml = Templates.passing(dir.resolve("greeting.txt").toString());
        WorkflowRun b = r.buildAndAssertSuccess(pipeline("""
                def out = onepanelWorkflow text: %s, parameters: [who: 'world']
                echo "greeting=${out['tasks.producer.greeting']}"
                """.formatted(Templates.groovyLiteral(yaml))));
        r.assertLogContains("[consumer] consumer got hello world", b);
        r.assertLogContains("greeting=hello world", b);
    }

    /**
     * The build's status page sums the run up: its phase, its resource use as Argo's resourcesDuration
     * (requests, else limits, else 100m CPU and 100Mi; times each pod's run time), and its outputs.
     */
    @Test
    void theBuildsStatusPageShowsThePhaseTheResourcesUsedAndTheOutputs(@TempDir Path dir) throws Exception {
        String yaml = Templates.passing(dir.resolve("greeting.txt").toString()).replace(
                "command: [sh, -c, \"printf", "resources: {requests: {cpu: '2', memory: 1Gi}}\n    command: [sh, -c, \"sleep 2; printf");
        WorkflowRun b = r.buildAndAssertSuccess(pipeline("onepanelWorkflow text: " + Templates.groovyLiteral(yaml)
                + ", parameters: [who: '<b>world</b>']"));
        OnepanelRunAction action = b.getAction(OnepanelRunAction.class);
        String used = action.getResourcesDuration();
        assertThat(used, org.hamcrest.Matchers.matchesPattern("\\d+s\\*cpu,\\d+s\\*memory"));
        long cpuSeconds = Long.parseLong(used.substring(0, used.indexOf("s*cpu")));
        assertThat("two cores for at least two seconds", cpuSeconds, org.hamcrest.Matchers.greaterThanOrEqualTo(4L));
        String page = r.createWebClient().getPage(b).getWebResponse().getContentAsString();
        assertThat(page, containsString("Resources used"));
        assertThat(page, containsString(used));
        assertThat(page, containsString("tasks.producer.greeting"));
        assertThat(page, containsString("hello &lt;b>world&lt;/b>")); // an output is text, escaped
        assertThat(page, not(containsString("<b>world")));
    }

    @Test
    void anInvalidTemplateStartsNothingAndReportsEveryErrorWithItsPosition() throws Exception {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: a
                      template: ech0
                    - name: b
                      dependencies: [nope]
                      template: echo
                - name: echo
                  container:
                    image: alpine
                    command: [echo, hi]
                """;
        WorkflowRun b = r.waitForCompletion(run("onepanelWorkflow text: " + Templates.groovyLiteral(yaml)));
        r.assertBuildStatus(Result.FAILURE, b);
        r.assertLogContains("(inline template):7:", b); // the unknown template, at its line
        r.assertLogContains("ech0", b);
        r.assertLogContains("(inline template):9:", b); // and the unknown dependency: all errors at once
        r.assertLogContains("nothing was started", b);
        r.assertLogNotContains("[a]", b);
        assertThat(b.getActions(OnepanelRunAction.class), is(empty()));
    }

    @Test
    void aMissingRequiredParameterIsReportedBeforeAnythingRuns() throws Exception {
        String yaml = """
                entrypoint: main
                arguments:
                  parameters:
                  - name: epochs
                    required: true
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: train
                      template: echo
                - name: echo
                  container:
                    image: alpine
                    command: [echo, "{{workflow.parameters.epochs}}"]
                """;
        WorkflowRun b = r.waitForCompletion(run("onepanelWorkflow text: " + Templates.groovyLiteral(yaml)));
        r.assertBuildStatus(Result.FAILURE, b);
        r.assertLogContains("epochs", b);
        r.assertLogNotContains("[train]", b);
    }

    @Test
    void aFailingTaskFailsTheBuildAndNamesTheTask() throws Exception {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: broken
                      template: fail
                - name: fail
                  container:
                    image: alpine
                    command: [sh, -c, "echo going down; exit 3"]
                """;
        WorkflowRun b = r.waitForCompletion(run("onepanelWorkflow text: " + Templates.groovyLiteral(yaml)));
        r.assertBuildStatus(Result.FAILURE, b);
        r.assertLogContains("[broken] going down", b);
        r.assertLogContains("exit code 3", b);
        r.assertLogContains("failed: broken", b);
    }

    @Test
    void privilegedContainersAreRefusedUnlessAllowed() throws Exception {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: root
                      template: priv
                - name: priv
                  container:
                    image: alpine
                    command: [echo, hi]
                    securityContext:
                      privileged: true
                """;
        WorkflowRun b = r.waitForCompletion(run("onepanelWorkflow text: " + Templates.groovyLiteral(yaml)));
        r.assertBuildStatus(Result.FAILURE, b);
        r.assertLogContains("privileged", b);
        r.assertLogContains("does not allow", b);

        OnepanelWorkflowConfiguration.get().setAllowPrivileged(true);
        r.buildAndAssertSuccess(b.getParent());
    }

    @Test
    void callingTheStepThroughStepsSaysHowToCallIt() throws Exception {
        WorkflowRun b = r.waitForCompletion(run("steps.onepanelWorkflow(text: 'entrypoint: main')"));
        r.assertBuildStatus(Result.FAILURE, b);
        r.assertLogContains("Call onepanelWorkflow(...) directly", b);
    }

    /** Through the Snippet Generator's form: inheritFrom unset stays unset, failFast keeps each of its three values. */
    @Test
    void snippetGeneratorRoundTrip() throws Exception {
        for (Boolean failFast : new Boolean[] {null, true, false}) {
            OnepanelWorkflowStep step = new OnepanelWorkflowStep();
            step.setTemplate("workflows/train.yaml");
            step.setParameters(List.of(new WorkflowParameter("epochs", "20")));
            step.setNamespace("ml");
            step.setFailFast(failFast);
            step.setParallelism(3);
            ArtifactRepository repository = new ArtifactRepository();
            repository.setKeyFormat("runs/{{workflow.name}}/{{pod.name}}");
            step.setArtifactRepository(repository);
            OnepanelWorkflowStep after = new StepConfigTester(r).configRoundTrip(step);
            r.assertEqualDataBoundBeans(step, after);
            assertThat(after.getParameters(), not(empty()));
            assertNull(after.getInheritFrom());
            assertEquals(failFast, after.getFailFast());
        }
    }

    /** The driver's operations go through onepanelWorkflow itself: the Snippet Generator offers one step. */
    @Test
    void theFieldsTheBuildStepSharesHaveOneHelpTextKeptWithIt() throws Exception {
        for (String field : OnepanelWorkflowStep.DescriptorImpl.SHARED_HELP) {
            String help = r.executeOnServer(() -> r.jenkins
                    .getDescriptorByType(OnepanelWorkflowStep.DescriptorImpl.class)
                    .getHelpFile(field));
            assertEquals("/descriptor/io.jenkins.plugins.onepanel.OnepanelWorkflowBuilder/help/" + field, help);
            String text = r.createWebClient().goTo(help.substring(1), "text/html").getWebResponse().getContentAsString();
            assertThat(field, text.trim(), not(is("")));
        }
        String own = r.executeOnServer(() -> r.jenkins
                .getDescriptorByType(OnepanelWorkflowStep.DescriptorImpl.class)
                .getHelpFile("podStartMinutes"));
        assertEquals("/descriptor/" + OnepanelWorkflowStep.class.getName() + "/help/podStartMinutes", own);
    }

    @Test
    void thePluginHasExactlyOneStep() {
        List<String> ours = StepDescriptor.all().stream()
                .filter(d -> d.getClass().getName().startsWith("io.jenkins.plugins.onepanel."))
                .map(StepDescriptor::getFunctionName)
                .toList();
        assertEquals(List.of(OnepanelWorkflowStep.FUNCTION_NAME), ours);
    }

    /**
     * The controller itself talks to an artifact repository's endpoint; a Jenkinsfile naming any host
     * would have it send requests there. Only the administrator's endpoint and listed ones are allowed,
     * and the refusal comes before any request, any credential lookup and any pod.
     */
    @Test
    void anEndpointTheAdministratorHasNotAllowedIsRefusedBeforeAnyRequest() throws Exception {
        WorkflowRun b = r.buildAndAssertStatus(hudson.model.Result.FAILURE, pipeline("""
                onepanelWorkflow text: %s, credentialsId: 'mine',
                    artifactRepository: s3(bucket: 'b', endpoint: 'http://169.254.169.254/latest')
                """.formatted(Templates.groovyLiteral(Templates.diamond()))));
        r.assertLogContains("artifactRepository names the endpoint http://169.254.169.254/latest, which the"
                + " administrator has not allowed", b);
        r.assertLogNotContains("[A]", b);
        assertNull(b.getAction(OnepanelRunAction.class));

        io.jenkins.plugins.onepanel.OnepanelWorkflowConfiguration.get().setAllowedEndpoints("http://169.254.169.254");
        WorkflowRun allowed = r.buildAndAssertStatus(hudson.model.Result.FAILURE, b.getParent());
        r.assertLogNotContains("which the administrator has not allowed", allowed);
        r.assertLogContains("mine", allowed); // now it gets as far as looking up the credentials, which do not exist
    }

    private WorkflowJob pipeline(String script) throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class);
        p.setDefinition(new CpsFlowDefinition(script, true));
        return p;
    }
}
