package io.jenkins.plugins.onepanel;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.NodeType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.htmlunit.html.DomElement;
import org.htmlunit.html.HtmlPage;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The run's page in a browser (HtmlUnit, with its JavaScript): the DAG drawn with an arrow per
 * dependency, what a task that has not started waits for, and every text from the run shown as text.
 */
@WithJenkins
@ExtendWith(TasksOnTheBuiltInNode.class)
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "the templates' commands are POSIX shell ones")
class RunPageTest {

    /** A, then B (plain) and C (if A succeeded), then D when B succeeded or C failed; E on its own fails. */
    private static final String GRAPH = """
            entrypoint: main
            templates:
            - name: main
              dag:
                tasks:
                - {name: A, template: ok}
                - {name: B, template: ok, dependencies: [A]}
                - {name: C, template: ok, depends: A.Succeeded}
                - {name: D, template: ok, depends: "B && (C.Failed || C.Succeeded)"}
                - {name: E, template: fail}
            - name: ok
              container: {image: alpine, command: [sh, -c, "echo ok"]}
            - name: fail
              container: {image: alpine, command: [sh, -c, "exit 3"]}
            """;

    /** Two tasks and room for one pod at a time: one of them waits for the other; a third waits for both. */
    private static final String ONE_AT_A_TIME = """
            entrypoint: main
            parallelism: 1
            templates:
            - name: main
              dag:
                tasks:
                - {name: first, template: slow}
                - {name: second, template: slow}
                - {name: third, template: slow, dependencies: [first, second]}
            - name: slow
              container: {image: alpine, command: [sh, -c, "echo started; sleep 120"]}
            """;

    private JenkinsRule r;

    @BeforeEach
    void setUp(JenkinsRule r) {
        this.r = r;
    }

    @Test
    void theGraphHasAnArrowForEachDependencyLabelledWithTheResultItAsksFor() throws Exception {
        r.jenkins.setNumExecutors(4);
        WorkflowRun b = r.waitForCompletion(pipeline(GRAPH).scheduleBuild2(0).waitForStart());
        OnepanelRunAction action = b.getAction(OnepanelRunAction.class);
        assertEquals("Failed", action.getPhase()); // E failed

        HtmlPage page = open(b, action);
        List<String> edges = page.querySelectorAll("path.onepanel-dag-edge").stream()
                .map(e -> edge((DomElement) e))
                .toList();
        assertThat(edges, containsInAnyOrder("A->B", "A->C:Succeeded", "B->D", "C->D:Failed|Succeeded"));
        List<String> boxes = page.querySelectorAll(".onepanel-dag-node").stream()
                .map(e -> ((DomElement) e).getAttribute("data-task") + "=" + ((DomElement) e).getAttribute("class"))
                .toList();
        assertThat(boxes, hasItem("E=onepanel-dag-node onepanel-phase-Failed"));
        assertThat(boxes, hasItem("D=onepanel-dag-node onepanel-phase-Succeeded"));
        assertThat(page.querySelectorAll("text.onepanel-dag-edge-label").stream()
                .map(e -> e.getTextContent()).toList(), containsInAnyOrder("Succeeded", "Failed|Succeeded"));
        String summary = r.createWebClient().getPage(b).getWebResponse().getContentAsString();
        assertThat(summary, containsString("1 Failed"));
        assertThat(summary, containsString("4 Succeeded"));
    }

    @Test
    void aTaskWaitingForAFreeSlotOrForItsDependenciesSaysSo() throws Exception {
        r.jenkins.setNumExecutors(4);
        WorkflowRun b = pipeline(ONE_AT_A_TIME).scheduleBuild2(0).waitForStart();
        OnepanelRunAction action;
        while ((action = b.getAction(OnepanelRunAction.class)) == null
                || !b.getLog().contains("] started")
                || action.getNodes().stream().noneMatch(n -> "Pending".equals(n.getPhase()))) {
            Thread.sleep(100);
        }
        TaskRecord waiting = action.getNodes().stream()
                .filter(n -> "Pending".equals(n.getPhase()))
                .findFirst()
                .orElseThrow();
        HtmlPage page = open(b, action);
        DomElement box = page.querySelector(".onepanel-dag-node[data-task='" + waiting.getName() + "']");
        assertThat(box.querySelector(".onepanel-dag-waiting").getTextContent(),
                is("waiting for a free slot under the parallelism limit"));
        assertThat(page.querySelectorAll(".onepanel-dag-node.onepanel-phase-Running .onepanel-dag-waiting"), empty());
        DomElement third = page.querySelector(".onepanel-dag-node[data-task='third']");
        assertThat(third.querySelector(".onepanel-dag-waiting").getTextContent(), is("waiting for first, second"));
        assertThat(page.querySelectorAll("path.onepanel-dag-edge").stream().map(e -> edge((DomElement) e)).toList(),
                containsInAnyOrder("first->third", "second->third"));
        b.doStop();
        r.waitForCompletion(b);
    }

    /**
     * What the runtime says while a pod waits (here as {@code PodStartWatch} says it of an unschedulable
     * pod) is shown in the task's box and row; task names and messages are text, never markup.
     */
    @Test
    void aPendingReasonIsShownAndEveryTextFromTheRunStaysText() throws Exception {
        FreeStyleProject p = r.createFreeStyleProject();
        FreeStyleBuild b = r.buildAndAssertSuccess(p);
        OnepanelRunAction action = new OnepanelRunAction(1, "wf-x", "(inline template)");
        b.addAction(action);
        String evil = "<img src=x onerror=alert(1)>";
        action.update(node("wf-x", "wf-x", null, NodeType.DAG, NodePhase.RUNNING), null);
        action.update(node("wf-x.A", "A", "wf-x", NodeType.POD, NodePhase.SUCCEEDED), null);
        action.update(node("wf-x.evil", evil, "wf-x", NodeType.POD, NodePhase.RUNNING), "A");
        String reason = "the task's pod has not started: it cannot be scheduled: 0/1 nodes are available: "
                + "1 Insufficient nvidia.com/gpu. <script>alert(2)</script>";
        action.status("wf-x.evil", reason);
        b.save();

        HtmlPage page = open(b, action);
        assertThat(page.querySelectorAll("img[src=x]"), empty());
        assertThat(page.querySelectorAll("script").stream().map(s -> s.getTextContent()).toList(),
                not(hasItem(containsString("alert(2)"))));
        DomElement box = page.querySelector(".onepanel-dag-node[data-task='" + evil.replace("'", "\\'") + "']");
        assertEquals(evil, box.querySelector("strong").getTextContent());
        assertEquals(reason, box.querySelector(".onepanel-dag-waiting").getTextContent());
        assertEquals("A->" + evil, edge(page.querySelector("path.onepanel-dag-edge")));
        assertThat(page.querySelector("#onepanel-nodes .onepanel-status").getTextContent(), is(reason));

        action.update(node("wf-x.evil", evil, "wf-x", NodeType.POD, NodePhase.FAILED), "A");
        assertThat(action.getNodes().get(2).getStatus(), nullValue()); // an ended task waits for nothing
    }

    @Test
    void theWaitEndsWhenTheTaskWritesItsFirstLine() throws Exception {
        FreeStyleBuild b = r.buildAndAssertSuccess(r.createFreeStyleProject());
        OnepanelRunAction action = new OnepanelRunAction(1, "wf-y", "(inline template)");
        b.addAction(action);
        action.update(node("wf-y.A", "A", null, NodeType.POD, NodePhase.RUNNING), null);
        action.status("wf-y.A", "the task's pod has not started: container 'main' is waiting: ErrImagePull");
        assertThat(action.getNodes().get(0).getStatus(), containsString("ErrImagePull"));
        action.running("wf-y.A");
        assertThat(action.getNodes().get(0).getStatus(), nullValue());
    }

    @Test
    void dependenciesAreReadFromDependsAndFromTheListAlike() {
        assertThat(TaskRecord.Dependency.of("B, C").stream().map(d -> d.getTask() + ":" + d.getResult()).toList(),
                is(List.of("B:null", "C:null")));
        assertThat(TaskRecord.Dependency.of("(B.Failed || B.Errored) && !C && B.Failed").stream()
                        .map(d -> d.getTask() + ":" + d.getResult()).toList(),
                is(List.of("B:Failed", "B:Errored", "C:null")));
        assertThat(TaskRecord.Dependency.of("B &&"), empty()); // the validator reports it; no arrow
    }

    private WorkflowJob pipeline(String yaml) throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class);
        p.setDefinition(new CpsFlowDefinition("onepanelWorkflow text: " + Templates.groovyLiteral(yaml), true));
        return p;
    }

    /** The run's page once its script has fetched the run and drawn the graph (within a minute). */
    private HtmlPage open(hudson.model.Run<?, ?> b, OnepanelRunAction action) throws Exception {
        JenkinsRule.WebClient wc = r.createWebClient();
        wc.getOptions().setFetchPolyfillEnabled(true); // HtmlUnit runs fetch() through its polyfill only
        HtmlPage page = wc.getPage(b, action.getUrlName());
        for (int i = 0; i < 600 && page.querySelector(".onepanel-dag-node") == null; i++) {
            wc.waitForBackgroundJavaScript(100);
            Thread.sleep(50);
        }
        return page;
    }

    private static String edge(DomElement path) {
        String result = path.getAttribute("data-result");
        return path.getAttribute("data-from") + "->" + path.getAttribute("data-to")
                + (result.isEmpty() ? "" : ":" + result);
    }

    private static NodeStatus node(String id, String name, String parentId, NodeType type, NodePhase phase) {
        Instant started = phase == NodePhase.PENDING ? null : Instant.now().minusSeconds(5);
        Instant finished = phase.isDone() ? Instant.now() : null;
        return new NodeStatus(id, name, parentId, type, "t", phase, 0, type == NodeType.POD ? id : null,
                started, finished, null, null, null, Map.of(), null, null);
    }
}
