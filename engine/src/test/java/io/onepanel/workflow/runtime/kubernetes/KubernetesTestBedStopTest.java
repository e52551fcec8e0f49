package io.onepanel.workflow.runtime.kubernetes;

import static io.onepanel.workflow.runtime.kubernetes.TestBedRuns.NS;
import static io.onepanel.workflow.runtime.kubernetes.TestBedRuns.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.engine.WorkflowRun;
import io.onepanel.workflow.testbed.NeedsTestCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ending tasks early on the test bed: a deadline and a cancel really stop the task's processes
 * (the command and whatever it forked), which are gone, with their pod, when the attempt's result
 * is known.
 */
@NeedsTestCluster
class KubernetesTestBedStopTest {

    static TestBedRuns bed;

    @BeforeAll
    static void start() throws Exception {
        bed = new TestBedRuns(UnaryOperator.identity());
    }

    @AfterAll
    static void stop() throws Exception {
        if (bed != null) {
            bed.close();
        }
    }

    /** Processes of this machine whose command line contains {@code fragment}. */
    static List<String> processes(String fragment) throws IOException {
        try (Stream<Path> all = Files.list(Path.of("/proc"))) {
            return all.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .map(p -> {
                        try {
                            return new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                                    .replace('\0', ' ');
                        } catch (IOException e) {
                            return ""; // ended meanwhile
                        }
                    })
                    .filter(cmd -> cmd.contains(fragment)).toList();
        }
    }

    private static String sleeper(String settings, String marker) {
        return """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: sleep, template: sleep}
                - name: sleep
                  %s
                  container:
                    image: alpine
                    command: [sh, -c, "sleep %s & echo started; wait"]
                """.formatted(settings, marker);
    }

    // Deadlines long enough for the command to start (the stager, a JVM, stages inputs first) on a loaded machine.

    @Test
    void aTemplatesDeadlineEndsTheTaskAndItsProcesses() throws Exception {
        RunResult result = bed.run("deadline", sleeper("activeDeadlineSeconds: 15", "987001"));

        NodeStatus sleep = node(result, "sleep");
        assertThat(sleep.phase()).isEqualTo(NodePhase.FAILED);
        assertThat(sleep.message()).startsWith("timed out after 15s");
        assertThat(bed.logs).contains("deadline/sleep: started");
        assertThat(processes("sleep 987001")).isEmpty();
        assertThat(bed.cluster.livingContainers(NS, sleep.podName())).isEmpty();
        awaitDeleted(sleep.podName());
    }

    @Test
    void thePodsOwnDeadlineIsEnforcedByTheKubelet() throws Exception {
        // podSpecPatch sets the pod's activeDeadlineSeconds without the template's: only the node enforces it.
        RunResult result = bed.run("pod-deadline", sleeper("podSpecPatch: '{\"activeDeadlineSeconds\": 15}'", "987002"));

        NodeStatus sleep = node(result, "sleep");
        assertThat(sleep.phase()).isEqualTo(NodePhase.FAILED);
        assertThat(sleep.message()).isEqualTo("the task ran longer than its deadline (activeDeadlineSeconds 15): "
                + "Pod was active on the node longer than the specified deadline");
        assertThat(bed.logs).contains("pod-deadline/sleep: started");
        assertThat(processes("sleep 987002")).isEmpty();
        assertThat(bed.cluster.livingContainers(NS, sleep.podName())).isEmpty();
    }

    @Test
    void cancellingARunSendsSigtermToTheCommandAndRemovesItsPod(@TempDir Path out) throws Exception {
        WorkflowRun run = bed.start("cancel", """
                entrypoint: main
                volumes: [{name: out, hostPath: {path: %s}}]
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: work, template: work}
                - name: work
                  container:
                    image: alpine
                    command: [sh, -c, "trap 'echo TERM > /mnt/out/signal; exit 143' TERM; sleep 987003 & echo working; wait"]
                    volumeMounts: [{name: out, mountPath: /mnt/out}]
                """.formatted(out), Map.of());
        for (int i = 0; i < 6000 && !bed.logs.contains("cancel/work: working"); i++) {
            Thread.sleep(10);
        }
        assertThat(bed.logs).contains("cancel/work: working");

        run.cancel("stopped by the test");
        RunResult result = run.completion().get(120, TimeUnit.SECONDS);

        NodeStatus work = node(result, "work");
        assertThat(work.phase()).isEqualTo(NodePhase.FAILED);
        assertThat(work.message()).isEqualTo("cancelled: stopped by the test");
        assertThat(Files.readString(out.resolve("signal"))).isEqualTo("TERM\n");
        assertThat(processes("sleep 987003")).isEmpty();
        assertThat(bed.cluster.livingContainers(NS, work.podName())).isEmpty();
        awaitDeleted(work.podName());
        assertThat(bed.cluster.events(NS, work.podName())).contains("Killing: Stopping container main",
                "Killing: Stopping container stager");
    }

    /**
     * The pod goes: its deletion is graceful (the kubelet stops its containers first, within the grace
     * period), as on a real API server, so it is awaited, with a bound far above any grace period here.
     */
    private void awaitDeleted(String pod) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (bed.client.pods().withName(pod).get() != null && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(bed.client.pods().withName(pod).get()).as("pod %s deleted; statuses: %s", pod, bed.statuses).isNull();
    }
}
