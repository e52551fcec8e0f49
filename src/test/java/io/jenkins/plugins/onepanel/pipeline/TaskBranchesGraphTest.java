package io.jenkins.plugins.onepanel.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import hudson.model.Result;
import io.jenkins.plugins.onepanel.TasksOnTheBuiltInNode;
import io.jenkins.plugins.onepanel.Templates;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jenkinsci.plugins.workflow.actions.LabelAction;
import org.jenkinsci.plugins.workflow.actions.TagsAction;
import org.jenkinsci.plugins.workflow.actions.ThreadNameAction;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.graph.BlockStartNode;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.graphanalysis.DepthFirstScanner;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The flow graph a run leaves, as Pipeline Graph View and the console read it: one parallel branch
 * per task under the task's name (a loop's items and a nested DAG's tasks inside it, a retry's
 * attempts as stages), a failed task's branch failed, a task that never ran tagged as skipped, and no
 * other branches. Tasks run on the built-in node (the test switch), whose commands are POSIX ones.
 */
@WithJenkins
@ExtendWith(TasksOnTheBuiltInNode.class)
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "the templates' commands are POSIX shell ones")
class TaskBranchesGraphTest {

    private static final String WORKFLOW = """
            entrypoint: main
            onExit: farewell
            templates:
            - name: main
              failFast: false
              dag:
                tasks:
                - {name: A, template: ok}
                - {name: B, dependencies: [A], template: ok, withItems: [x, y]}
                - {name: C, dependencies: [A], template: broken}
                - {name: N, dependencies: [A], template: inner}
                - {name: R, dependencies: [A], template: flaky}
                - {name: D, dependencies: [C], template: ok}
                - {name: E, dependencies: [A], template: ok, when: "1 == 2"}
            - name: inner
              dag:
                tasks:
                - {name: P, template: ok}
            - name: farewell
              dag:
                tasks:
                - {name: bye, template: ok}
            - name: ok
              container: {image: alpine, command: [sh, -c, "echo fine"]}
            - name: broken
              container: {image: alpine, command: [sh, -c, "echo going down; exit 3"]}
            - name: flaky
              retryStrategy: {limit: 2}
              container: {image: alpine, command: [sh, -c, "echo try {{retries}}; test {{retries}} -ge 1"]}
            """;

    @Test
    void eachTaskIsABranchUnderItsNameMarkedAsItEnded(JenkinsRule r) throws Exception {
        r.jenkins.setNumExecutors(4);
        WorkflowJob p = r.createProject(WorkflowJob.class);
        p.setDefinition(new CpsFlowDefinition("onepanelWorkflow text: " + Templates.groovyLiteral(WORKFLOW), true));
        WorkflowRun b = r.waitForCompletion(p.scheduleBuild2(0).waitForStart());
        r.assertBuildStatus(Result.FAILURE, b);

        List<FlowNode> nodes = new DepthFirstScanner().allNodes(b.getExecution());
        Map<String, BlockStartNode> branches = nodes.stream()
                .filter(n -> n instanceof BlockStartNode && n.getPersistentAction(ThreadNameAction.class) != null)
                .map(n -> (BlockStartNode) n)
                .collect(Collectors.toMap(n -> path(n), n -> n));
        assertThat(branches.keySet(), containsInAnyOrder(
                "A", "B", "B/B(0:x)", "B/B(1:y)", "C", "N", "N/P", "R", "D", "E", "onExit", "onExit/bye"));

        assertThat(warning(nodes, branches.get("C")), is(Result.FAILURE));
        for (String fine : List.of("A", "B", "B/B(0:x)", "N", "N/P", "onExit", "onExit/bye")) {
            assertThat(fine + " has no warning", warning(nodes, branches.get(fine)), nullValue());
            assertThat(fine + " is not tagged", skipped(branches.get(fine)), is(false));
        }
        // D never ran (its dependency failed), E's `when` was false: both shown as not built.
        assertThat(skipped(branches.get("D")), is(true));
        assertThat(skipped(branches.get("E")), is(true));
        assertThat(warning(nodes, branches.get("D")), nullValue());

        // R failed once and succeeded on its retry: its attempts are stages, the failed one unstable.
        List<String> stagesOfR = nodes.stream()
                .filter(n -> n.getPersistentAction(LabelAction.class) != null
                        && n.getPersistentAction(ThreadNameAction.class) == null
                        && n.getEnclosingBlocks().contains(branches.get("R")))
                .map(FlowNode::getDisplayName)
                .toList();
        assertThat(stagesOfR, containsInAnyOrder("R(0)", "R(1)"));
        assertThat(warning(nodes, branches.get("R")), is(Result.UNSTABLE));

        assertThat(branches.keySet().stream().filter(n -> n.contains("worker")).toList(), empty());
        r.assertLogContains("[C] going down", b);
        assertThat(b.getLog().lines().toList(), hasItem(org.hamcrest.Matchers.containsString("[B(1:y)] fine")));
        assertThat(b.getLog(), not(org.hamcrest.Matchers.containsString("worker")));
        assertEquals(1, b.getLog().lines().filter(l -> l.contains("[A] fine")).count(), "A ran once");
    }

    /** A branch's name with the names of the branches around it: "B/B(0:x)". */
    private static String path(BlockStartNode branch) {
        List<String> names = new ArrayList<>();
        names.add(branch.getPersistentAction(ThreadNameAction.class).getThreadName());
        for (BlockStartNode around : branch.iterateEnclosingBlocks()) {
            ThreadNameAction name = around.getPersistentAction(ThreadNameAction.class);
            if (name != null) {
                names.add(0, name.getThreadName());
            }
        }
        return String.join("/", names);
    }

    /** The worst warning inside a branch, as Pipeline's views compute a branch's status; null if none. */
    private static Result warning(List<FlowNode> nodes, BlockStartNode branch) {
        Result worst = null;
        for (FlowNode n : nodes) {
            WarningAction w = n.getPersistentAction(WarningAction.class);
            if (w != null && n.getEnclosingBlocks().contains(branch)) {
                worst = worst == null || w.getResult().isWorseThan(worst) ? w.getResult() : worst;
            }
        }
        return worst;
    }

    private static boolean skipped(BlockStartNode branch) {
        TagsAction tags = branch.getPersistentAction(TagsAction.class);
        return tags != null && AwaitTaskStep.SKIPPED_FOR_CONDITIONAL.equals(tags.getTagValue(AwaitTaskStep.STAGE_STATUS));
    }
}
