package io.jenkins.plugins.onepanel.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.onepanel.OnepanelRunAction;
import io.jenkins.plugins.onepanel.TaskRecord;
import io.jenkins.plugins.onepanel.TasksOnTheBuiltInNode;
import io.jenkins.plugins.onepanel.Templates;
import java.io.File;
import java.nio.file.Files;
import java.util.List;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * Where a run is kept: {@code build.xml} holds its summary only, since Pipeline rewrites that file many
 * times per task; the node list is in the run's directory, written once when the run ends, and the
 * engine's journal beside it has every change, from which the list is rebuilt when the run could not
 * write it (the controller went away first).
 */
@WithJenkins
@ExtendWith(TasksOnTheBuiltInNode.class)
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "the templates' commands are POSIX shell ones")
class RunRecordOnDiskTest {

    @Test
    void buildXmlKeepsTheSummaryAndTheNodesComeBackFromTheRunsDirectory(JenkinsRule r) throws Exception {
        r.jenkins.setNumExecutors(4);
        WorkflowJob p = r.createProject(WorkflowJob.class);
        p.setDefinition(new CpsFlowDefinition("onepanelWorkflow text: " + Templates.groovyLiteral(Templates.diamond()), true));
        WorkflowRun b = r.buildAndAssertSuccess(p);

        String buildXml = Files.readString(new File(b.getRootDir(), "build.xml").toPath());
        assertThat(buildXml, containsString("<phase>Succeeded</phase>"));
        assertThat(buildXml, not(containsString("TaskRecord")));
        File dir = b.getAction(OnepanelRunAction.class).directory();
        assertTrue(new File(dir, "nodes.xml").isFile(), "the node list is written when the run ends");
        assertTrue(new File(dir, "journal.jsonl").isFile(), "the journal is beside it");

        b.reload();
        assertPods(b.getAction(OnepanelRunAction.class).getNodes());
        assertEquals(java.util.Map.of("Succeeded", 4), b.getAction(OnepanelRunAction.class).getTaskCounts(),
                "the status page's counts, from the nodes read back");

        Files.delete(new File(dir, "nodes.xml").toPath());
        b.reload();
        OnepanelRunAction fromJournal = b.getAction(OnepanelRunAction.class);
        assertPods(fromJournal.getNodes());
        assertEquals("Succeeded", fromJournal.getPhase());
    }

    private static void assertPods(List<TaskRecord> nodes) {
        List<TaskRecord> pods = nodes.stream().filter(n -> "POD".equals(n.getType())).toList();
        assertThat(pods, hasSize(4));
        assertThat(pods.stream().map(TaskRecord::getPhase).toList(), everyItem(is("Succeeded")));
        assertThat(pods.stream().map(TaskRecord::getName).sorted().toList(), is(List.of("A", "B", "C", "D")));
    }
}
