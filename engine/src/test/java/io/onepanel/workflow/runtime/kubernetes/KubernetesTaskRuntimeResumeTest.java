package io.onepanel.workflow.runtime.kubernetes;

import static io.onepanel.workflow.runtime.kubernetes.MockCluster.NS;
import static io.onepanel.workflow.runtime.kubernetes.MockCluster.phase;
import static io.onepanel.workflow.runtime.kubernetes.MockCluster.running;
import static io.onepanel.workflow.runtime.kubernetes.MockCluster.terminated;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.onepanel.workflow.pod.PodContract;
import io.onepanel.workflow.pod.PodNames;
import io.onepanel.workflow.pod.Records;
import io.onepanel.workflow.pod.StagerReport;
import io.onepanel.workflow.pod.TaskPodTranslator;
import io.onepanel.workflow.runtime.RunInfo;
import io.onepanel.workflow.runtime.TaskExecution;
import io.onepanel.workflow.runtime.TaskListener;
import io.onepanel.workflow.runtime.TaskPhase;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.template.Template;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link KubernetesTaskRuntime#resume}: an attempt that an earlier (dead) process of the run
 * started is taken up from its pod when the pod is still there, started when it is not, and a pod
 * of the same name that belongs to another run is never taken for it. The test plays kubelet; the
 * test bed's {@code KubernetesTestBedResumeTest} kills a real engine process.
 */
class KubernetesTaskRuntimeResumeTest {

    private MockCluster cluster;
    private KubernetesTaskRuntime runtime;
    private final RunInfo run = new RunInfo("train", "5d6c8e0a-1111-4aaa-8bbb-222233334444", NS,
            Instant.parse("2026-01-01T00:00:00Z"));

    @BeforeEach
    void start() {
        cluster = new MockCluster();
        runtime = new KubernetesTaskRuntime(cluster.client(0), KubernetesRuntimeConfig.defaults());
    }

    @AfterEach
    void stop() {
        runtime.close();
        cluster.close();
    }

    private TaskRequest request(String task) {
        Template t = Records.T.container("echo", new ContainerBuilder().withImage("alpine:3.7")
                .withCommand("echo", "hi").build()).build();
        return new TaskRequest(run, task, PodNames.podName(run.workflowName(), task, 0), 0, t, new Records.W().build(t),
                null);
    }

    /** The pod as the dead process had created it. */
    private Pod createdEarlier(TaskRequest req) throws Exception {
        Pod pod = new TaskPodTranslator(runtime.config().pod()).translate(req).pod();
        return cluster.kube().pods().inNamespace(NS).resource(pod).create();
    }

    private static TaskResult await(TaskExecution e) throws Exception {
        return e.result().get(60, TimeUnit.SECONDS);
    }

    private static String succeeded(String result) {
        return new StagerReport(TaskPhase.SUCCEEDED, 0, null, result, Map.of(), List.of(), false).toJson();
    }

    @Test
    void aPodThatStillRunsIsReattachedItsWholeLogShownAndItsEndRead() throws Exception {
        TaskRequest req = request("A");
        createdEarlier(req);
        cluster.setStatus(req.podName(), phase("Running", List.of(running("main"), running("stager"))));
        cluster.server().expect().get().withPath("/api/v1/namespaces/ml/pods/" + req.podName()
                + "/log?pretty=false&container=main&follow=true").andReturn(200, "before\nlater\n").always();
        KubernetesTaskRuntimeTest.Recorder listener = new KubernetesTaskRuntimeTest.Recorder();

        TaskExecution e = runtime.resume(req, listener);
        listener.awaitStatus("reattached");
        cluster.setStatus(req.podName(), phase("Succeeded", List.of(terminated("main", 0, "Completed", null),
                terminated("stager", 0, "Completed", succeeded("hi")))));

        TaskResult r = await(e);
        assertThat(r.phase()).isEqualTo(TaskPhase.SUCCEEDED);
        assertThat(r.result()).isEqualTo("hi");
        assertThat(listener.statuses).contains("pod ml/" + req.podName()
                + " reattached: an earlier process of this run created it; its log from the start");
        assertThat(listener.lines).as("what the dead process may have shown, again: nothing lost")
                .containsExactly("before", "later");
        cluster.awaitGone(req.podName()); // deleted once read
    }

    @Test
    void aPodThatEndedWhileNoProcessWatchedGivesItsResult() throws Exception {
        TaskRequest req = request("B");
        createdEarlier(req);
        cluster.setStatus(req.podName(), phase("Failed", List.of(terminated("main", 4, "Error", null),
                terminated("stager", 0, "Completed", new StagerReport(TaskPhase.FAILED, 4, "exit code 4", "",
                        Map.of(), List.of(), false).toJson()))));

        KubernetesTaskRuntimeTest.Recorder listener = new KubernetesTaskRuntimeTest.Recorder();
        TaskResult r = await(runtime.resume(req, listener));

        assertThat(r.phase()).isEqualTo(TaskPhase.FAILED);
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(listener.statuses).as("what the runtime said").noneMatch(s -> s.contains("left behind"));
        cluster.awaitGone(req.podName()); // deleted once read
    }

    @Test
    void anAttemptWhosePodIsGoneIsStartedAgain() throws Exception {
        TaskRequest req = request("C");
        KubernetesTaskRuntimeTest.Recorder listener = new KubernetesTaskRuntimeTest.Recorder();

        TaskExecution e = runtime.resume(req, listener);
        cluster.awaitPod(req.podName());
        listener.awaitStatus("created");
        cluster.setStatus(req.podName(), phase("Succeeded", List.of(terminated("main", 0, "Completed", null),
                terminated("stager", 0, "Completed", succeeded("again")))));

        assertThat(await(e).result()).isEqualTo("again");
        assertThat(listener.statuses).contains("pod ml/" + req.podName() + " created");
    }

    @Test
    void aPodOfTheSameNameFromAnotherRunIsNeitherTakenNorDeleted() throws Exception {
        TaskRequest req = request("D");
        Pod foreign = new PodBuilder(new TaskPodTranslator(runtime.config().pod()).translate(req).pod())
                .editMetadata().addToLabels(PodContract.LABEL_RUN_UID, "another-run").endMetadata().build();
        cluster.kube().pods().inNamespace(NS).resource(foreign).create();
        cluster.setStatus(req.podName(), phase("Failed", List.of(terminated("main", 1, "Error", null),
                terminated("stager", 0, "Completed", succeeded("theirs")))));

        TaskResult r = await(runtime.resume(req, TaskListener.NONE));

        assertThat(r.phase()).isEqualTo(TaskPhase.ERROR);
        assertThat(r.message()).contains("creating pod ml/" + req.podName() + " failed: conflict (HTTP 409)");
        assertThat(cluster.exists(req.podName())).as("the other run's pod is left alone").isTrue();
    }

    @Test
    void theClaimsAnEarlierProcessMadeAreDeletedWhenTheResumedRunSucceeds() throws Exception {
        Template t = Records.T.container("train", new ContainerBuilder().withImage("alpine").withCommand("true")
                .addNewVolumeMount().withName("data").withMountPath("/mnt/data").endVolumeMount().build()).build();
        Records.W w = new Records.W();
        w.claims.add(Records.claimTemplate("data", "2Gi"));
        TaskRequest req = new TaskRequest(run, "E", PodNames.podName(run.workflowName(), "E", 0), 0, t, w.build(t),
                null);
        // What the dead process had made: the run's claim and the attempt's pod, which has ended since.
        cluster.kube().persistentVolumeClaims().inNamespace(NS).resource(TaskPodTranslator.claim(
                Records.claimTemplate("data", "2Gi"), run)).create();
        createdEarlier(req);
        cluster.setStatus(req.podName(), phase("Succeeded", List.of(terminated("main", 0, "Completed", null),
                terminated("stager", 0, "Completed", succeeded("")))));

        assertThat(await(runtime.resume(req, TaskListener.NONE)).phase()).isEqualTo(TaskPhase.SUCCEEDED);
        runtime.finish(run, true);

        assertThat(cluster.kube().persistentVolumeClaims().inNamespace(NS).withName("train-data").get())
                .as("collected by this process, though it did not make it").isNull();
    }
}
