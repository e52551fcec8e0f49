package io.jenkins.plugins.onepanel.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import hudson.XmlFile;
import hudson.model.Result;
import hudson.model.Saveable;
import hudson.model.listeners.SaveableListener;
import io.jenkins.plugins.onepanel.OnepanelRunAction;
import io.jenkins.plugins.onepanel.TasksOnTheBuiltInNode;
import io.jenkins.plugins.onepanel.Templates;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.graphanalysis.DepthFirstScanner;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.TestExtension;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * What a workflow run costs the controller per task, against plain Pipeline doing the same work:
 * N independent tasks that run {@code true} on the built-in node (no pods), 10 at a time, and the
 * same N as {@code parallel} branches of {@code node { echo }}. Measured: wall time, the controller
 * JVM's CPU time, bytes written to the build's {@code build.xml} and by the whole process, and flow
 * nodes per task. A benchmark, not a test (its name keeps it out of Surefire's default run): run it
 * on purpose with {@code mvn -Pbench test [-Donepanel.bench.tasks=100,500,1000]}; it prints a Markdown
 * table and appends it to {@code controller-cost.md} in the build directory. It asserts only that each
 * run did its work.
 */
@WithJenkins
@ExtendWith(TasksOnTheBuiltInNode.class)
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "the tasks' commands are POSIX ones; /proc/self/io is Linux's")
class ControllerCostBenchmark {

    private static final int WORKERS = 10;

    @Test
    void controllerCostPerTask(JenkinsRule r) throws Exception {
        r.jenkins.setNumExecutors(WORKERS);
        List<String> rows = new ArrayList<>();
        rows.add("| tasks | case | wall s | controller CPU-s | build.xml MB written | process MB written | flow nodes / task |");
        rows.add("| ---: | --- | ---: | ---: | ---: | ---: | ---: |");
        for (String n : System.getProperty("onepanel.bench.tasks", "100,500,1000").split(",")) {
            int tasks = Integer.parseInt(n.trim());
            rows.add(row(tasks, "onepanelWorkflow", measure(r, workflow(tasks), tasks)));
            rows.add(row(tasks, "plain parallel + node + echo", measure(r, plain(tasks), tasks)));
        }
        String table = String.join("\n", rows) + "\n";
        System.out.println(table);
        Path out = Path.of(System.getProperty("buildDirectory", "target")).resolve("controller-cost.md");
        Files.writeString(out, table, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private record Cost(double wallSeconds, double cpuSeconds, long buildXmlBytes, long processBytes, double nodesPerTask) {}

    private static Cost measure(JenkinsRule r, String script, int tasks) throws Exception {
        WorkflowJob job = r.createProject(WorkflowJob.class);
        job.setDefinition(new CpsFlowDefinition(script, true));
        BuildXmlWrites.BYTES.set(0);
        long cpu0 = processCpuNanos();
        long io0 = processWrittenBytes();
        long t0 = System.nanoTime();
        WorkflowRun b = r.waitForCompletion(job.scheduleBuild2(0).waitForStart());
        long wall = System.nanoTime() - t0;
        long cpu = processCpuNanos() - cpu0;
        long io = processWrittenBytes() - io0;
        assertEquals(Result.SUCCESS, b.getResult(), () -> "the run failed: " + tail(b));
        if (script.startsWith("onepanelWorkflow")) {
            assertEquals(tasks, b.getAction(OnepanelRunAction.class).getNodes().stream()
                    .filter(t -> "POD".equals(t.getType())).count());
        }
        int nodes = new DepthFirstScanner().allNodes(b.getExecution()).size();
        return new Cost(wall / 1e9, cpu / 1e9, BuildXmlWrites.BYTES.get(), io, (double) nodes / tasks);
    }

    private static String row(int tasks, String name, Cost c) {
        return String.format(java.util.Locale.ROOT, "| %d | %s | %.1f | %.1f | %.1f | %.1f | %.1f |", tasks, name,
                c.wallSeconds(), c.cpuSeconds(), c.buildXmlBytes() / 1e6, c.processBytes() / 1e6, c.nodesPerTask());
    }

    private static String workflow(int tasks) {
        StringBuilder yaml = new StringBuilder("""
                entrypoint: main
                templates:
                - name: ok
                  container: {image: alpine, command: ["true"]}
                - name: main
                  dag:
                    tasks:
                """);
        for (int i = 0; i < tasks; i++) {
            yaml.append("    - {name: t").append(i).append(", template: ok}\n");
        }
        return "onepanelWorkflow parallelism: " + WORKERS + ", text: " + Templates.groovyLiteral(yaml.toString());
    }

    private static String plain(int tasks) {
        return """
                def branches = [:]
                for (int i = 0; i < %d; i++) {
                    def name = "t" + i
                    branches[name] = { node('built-in') { echo name } }
                }
                parallel branches
                """.formatted(tasks);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Bytes the process asked to write ({@code wchar}), every file and socket included. */
    private static long processWrittenBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
            if (line.startsWith("wchar:")) {
                return Long.parseLong(line.substring(6).trim());
            }
        }
        return 0;
    }

    private static String tail(WorkflowRun b) {
        try {
            List<String> lines = b.getLog().lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Adds up the size of each {@code build.xml} a build writes, as each save writes the whole file. */
    @TestExtension
    public static final class BuildXmlWrites extends SaveableListener {
        static final AtomicLong BYTES = new AtomicLong();

        @Override
        public void onChange(Saveable o, XmlFile file) {
            if (o instanceof WorkflowRun) {
                BYTES.addAndGet(file.getFile().length());
            }
        }
    }
}
