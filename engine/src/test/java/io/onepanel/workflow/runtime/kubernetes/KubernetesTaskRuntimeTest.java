package io.onepanel.workflow.runtime.kubernetes;

import static io.onepanel.workflow.runtime.kubernetes.MockCluster.NS;
import static io.onepanel.workflow.runtime.kubernetes.MockCluster.phase;
import static io.onepanel.workflow.runtime.kubernetes.MockCluster.running;
import static io.onepanel.workflow.runtime.kubernetes.MockCluster.terminated;
import static io.onepanel.workflow.runtime.kubernetes.MockCluster.waiting;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
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
import io.onepanel.workflow.template.Workflow;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The runtime against fabric8's mock API server in CRUD mode: the test plays kubelet and the
 * scheduler by writing pod statuses, and checks what the runtime reports and cleans up. Quick unit
 * tests of how statuses are read; pods that really run are in {@code KubernetesTestBed*Test}. Only
 * here, because the test bed cannot produce them: OOMKilled (no cgroups), eviction, an image
 * without {@code sh} (every container runs on this machine, which has one), API errors (403, 409,
 * 500) and an unreachable API server.
 */
class KubernetesTaskRuntimeTest {

    private MockCluster cluster;
    private KubernetesTaskRuntime runtime;
    private final RunInfo run = new RunInfo("train", "5d6c8e0a-1111-4aaa-8bbb-222233334444", NS,
            Instant.parse("2026-01-01T00:00:00Z"));

    /** Records what the runtime tells the engine. */
    static final class Recorder implements TaskListener {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final List<String> statuses = new CopyOnWriteArrayList<>();

        @Override
        public void log(String line) {
            lines.add(line);
        }

        @Override
        public void status(String message) {
            statuses.add(message);
        }

        void awaitStatus(String containing) throws InterruptedException {
            for (int i = 0; i < 3000 && statuses.stream().noneMatch(s -> s.contains(containing)); i++) {
                Thread.sleep(10);
            }
            assertThat(statuses).anySatisfy(s -> assertThat(s).contains(containing));
        }
    }

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

    private static Template echo(String name) {
        return Records.T.container(name, new ContainerBuilder().withImage("alpine:3.7")
                .withCommand("echo", "hi").withNewResources().addToLimits("memory", new Quantity("256Mi"))
                .endResources().build()).build();
    }

    private TaskRequest request(String task, Template t, Workflow wf, Duration timeout) {
        return new TaskRequest(run, task, PodNames.podName(run.workflowName(), task, 0), 0, t, wf, timeout);
    }

    private TaskRequest request(String task) {
        Template t = echo("echo");
        return request(task, t, new Records.W().build(t), null);
    }

    private static TaskResult await(TaskExecution e) throws Exception {
        return e.result().get(60, TimeUnit.SECONDS);
    }

    private static String report(StagerReport r) {
        return r.toJson();
    }

    @Test
    void aPodIsCreatedWatchedStreamedAndDeletedWhenItSucceeds() throws Exception {
        TaskRequest req = request("A");
        String name = req.podName();
        cluster.server().expect().get()
                .withPath("/api/v1/namespaces/ml/pods/" + name + "/log?pretty=false&container=main&follow=true")
                .andReturn(200, "hello\nworld\n").always();
        Recorder listener = new Recorder();

        TaskExecution e = runtime.start(req, listener);
        Pod created = cluster.awaitPod(name);

        Pod expected = new TaskPodTranslator(runtime.config().pod()).translate(req).pod();
        assertThat(created.getSpec()).isEqualTo(expected.getSpec());
        assertThat(created.getMetadata().getLabels()).containsAllEntriesOf(expected.getMetadata().getLabels())
                .containsEntry(PodContract.LABEL_RUN_UID, run.uid()).containsEntry(PodContract.LABEL_TASK, "A");

        cluster.setStatus(name, phase("Running", List.of(running("main"), running("stager"))));
        listener.awaitStatus("running");
        StagerReport said = new StagerReport(TaskPhase.SUCCEEDED, 0, null, "hello\nworld", Map.of("p", "42"),
                List.of(), false);
        cluster.setStatus(name, phase("Running", List.of(terminated("main", 0, "Completed", null),
                terminated("stager", 0, "Completed", report(said)))));

        TaskResult r = await(e);
        assertThat(r.phase()).isEqualTo(TaskPhase.SUCCEEDED);
        assertThat(r.exitCode()).isZero();
        assertThat(r.result()).isEqualTo("hello\nworld");
        assertThat(r.outputParameters()).containsEntry("p", "42");
        assertThat(listener.lines).containsExactly("hello", "world");
        cluster.awaitGone(name); // pod deleted; deletion is asynchronous on a real API server too
    }

    @Test
    void aReportTooLargeForTheTerminationMessageIsReadFromTheStagersLog() throws Exception {
        TaskRequest req = request("A2");
        String big = "x".repeat(10_000);
        StagerReport full = new StagerReport(TaskPhase.SUCCEEDED, 0, null, big, Map.of(), List.of(), false);
        cluster.server().expect().get()
                .withPath("/api/v1/namespaces/ml/pods/" + req.podName() + "/log?pretty=false&container=stager&tailLines=20")
                .andReturn(200, "stored 0 outputs\n" + PodContract.REPORT_LOG_PREFIX + full.toJson() + "\n")
                .always(); // the informer may hand over the pod's last state twice; reading the report is idempotent
        TaskExecution e = runtime.start(req, TaskListener.NONE);
        cluster.awaitPod(req.podName());
        cluster.setStatus(req.podName(), phase("Succeeded", List.of(terminated("main", 0, "Completed", null),
                terminated("stager", 0, "Completed", "{\"inLog\":true}"))));

        TaskResult r = await(e);
        assertThat(r.phase()).as(r.message()).isEqualTo(TaskPhase.SUCCEEDED);
        assertThat(r.result()).isEqualTo(big);
    }

    @Test
    void oomKilledIsAFailureNamingTheLimitAndThePodIsDeleted() throws Exception {
        TaskRequest req = request("B");
        TaskExecution e = runtime.start(req, TaskListener.NONE);
        cluster.awaitPod(req.podName());

        cluster.setStatus(req.podName(), phase("Running", List.of(terminated("main", 137, "OOMKilled", null),
                running("stager"))));
        cluster.setStatus(req.podName(), phase("Failed", List.of(terminated("main", 137, "OOMKilled", null),
                terminated("stager", 0, "Completed", report(new StagerReport(TaskPhase.FAILED, 137, "exit code 137",
                        null, Map.of(), List.of(), false))))));

        TaskResult r = await(e);
        assertThat(r.phase()).isEqualTo(TaskPhase.FAILED);
        assertThat(r.exitCode()).isEqualTo(137);
        assertThat(r.message()).isEqualTo("OOMKilled (exit code 137): the main container used more memory than its "
                + "limit (256Mi)");
        assertThat(cluster.exists(req.podName())).as("the result is known once the pod is gone").isFalse();
    }

    @Test
    void aDeletionTheApiServerRefusesForAWhileIsTriedAgainAndTheResultWaitsForIt() throws Exception {
        TaskRequest req = request("B2");
        String path = "/api/v1/namespaces/ml/pods/" + req.podName();
        cluster.server().expect().delete().withPath(path).andReturn(503, new StatusBuilder().withCode(503)
                .withMessage("etcdserver: leader changed").build()).once();
        cluster.server().expect().delete().withPath(path).andReturn(429, new StatusBuilder().withCode(429)
                .withMessage("too many requests").build()).once();
        Recorder listener = new Recorder();
        TaskExecution e = runtime.start(req, listener);
        cluster.awaitPod(req.podName());

        cluster.setStatus(req.podName(), phase("Failed", List.of(terminated("main", 3, "Error", null),
                terminated("stager", 0, "Completed", report(new StagerReport(TaskPhase.FAILED, 3, "exit code 3",
                        null, Map.of(), List.of(), false))))));

        assertThat(await(e).exitCode()).isEqualTo(3);
        assertThat(cluster.exists(req.podName())).as("deleted on the third try, before the result; statuses: %s",
                listener.statuses).isFalse();
        assertThat(listener.statuses).noneSatisfy(s -> assertThat(s).contains("left behind"));
    }

    @Test
    void aPodWhoseDeletionWasRefusedIsSweptWhenTheRuntimeCloses() throws Exception {
        TaskRequest req = request("B3");
        cluster.server().expect().delete().withPath("/api/v1/namespaces/ml/pods/" + req.podName())
                .andReturn(403, new StatusBuilder().withCode(403).withMessage("forbidden for now").build()).once();
        cluster.server().expect().get().withPath("/api/v1/namespaces/ml/pods?labelSelector="
                + java.net.URLEncoder.encode(PodContract.LABEL_RUN_UID + "=" + run.uid(),
                        java.nio.charset.StandardCharsets.UTF_8))
                .andReturn(500, new StatusBuilder().withCode(500).withMessage("etcdserver: request timed out")
                        .build()).once();
        Recorder listener = new Recorder();
        TaskExecution e = runtime.start(req, listener);
        cluster.awaitPod(req.podName());
        cluster.setStatus(req.podName(), phase("Failed", List.of(terminated("main", 3, "Error", null),
                terminated("stager", 0, "Completed", report(new StagerReport(TaskPhase.FAILED, 3, "exit code 3",
                        null, Map.of(), List.of(), false))))));
        assertThat(await(e).exitCode()).isEqualTo(3);
        assertThat(listener.statuses).anySatisfy(s -> assertThat(s).isEqualTo("deleting pod ml/" + req.podName()
                + " failed: forbidden (HTTP 403): forbidden for now; the account in use needs RBAC permission for this"
                + " (pods: create, get, list, watch, delete; pods/log: get; persistentvolumeclaims: create, delete;"
                + " events: list);"
                + " the pod is left behind: kubectl -n ml delete pod " + req.podName()));
        assertThat(cluster.exists(req.podName())).isTrue();

        runtime.close(); // its first list of the run's pods fails (500), the next one finds the pod

        assertThat(cluster.exists(req.podName())).isFalse();
    }

    @Test
    void aNonZeroExitIsAFailureWithTheExitCode() throws Exception {
        TaskRequest req = request("C");
        TaskExecution e = runtime.start(req, TaskListener.NONE);
        cluster.awaitPod(req.podName());
        cluster.setStatus(req.podName(), phase("Failed", List.of(terminated("main", 127, "Error", null),
                terminated("stager", 0, "Completed", report(new StagerReport(TaskPhase.FAILED, 127, "x", "",
                        Map.of(), List.of(), false))))));

        TaskResult r = await(e);
        assertThat(r.phase()).isEqualTo(TaskPhase.FAILED);
        assertThat(r.exitCode()).isEqualTo(127);
        assertThat(r.message()).contains("could not be started");
    }

    @Test
    void anImageWithoutShIsExplained() throws Exception {
        TaskRequest req = request("D");
        TaskExecution e = runtime.start(req, TaskListener.NONE);
        cluster.awaitPod(req.podName());
        cluster.setStatus(req.podName(), phase("Failed", List.of(terminated("main", 128, "StartError",
                "failed to create containerd task: exec: \"sh\": executable file not found in $PATH"),
                running("stager"))));

        TaskResult r = await(e);
        assertThat(r.phase()).isEqualTo(TaskPhase.ERROR);
        assertThat(r.message()).contains("could not start (StartError)").contains("the image must contain sh");
    }

    @Test
    void unschedulableIsReportedWithTheSchedulersMessageAndCancelDeletesThePod() throws Exception {
        TaskRequest req = request("E");
        Recorder listener = new Recorder();
        TaskExecution e = runtime.start(req, listener);
        cluster.awaitPod(req.podName());

        cluster.setStatus(req.podName(), MockCluster.unschedulable(
                "0/3 nodes are available: 3 Insufficient nvidia.com/gpu."));
        listener.awaitStatus("waiting for a node (Unschedulable): 0/3 nodes are available: 3 Insufficient "
                + "nvidia.com/gpu.");
        e.cancel("the run was stopped");

        TaskResult r = await(e);
        assertThat(r.phase()).isEqualTo(TaskPhase.FAILED);
        assertThat(r.message()).isEqualTo("cancelled: the run was stopped");
        cluster.awaitGone(req.podName()); // deletion is asynchronous on a real API server too
    }

    @Test
    void aTimeoutWhileUnschedulableSaysWhy() throws Exception {
        Template t = echo("echo");
        // Long enough that a loaded build machine sets the status before the deadline deletes the pod.
        TaskRequest req = request("F", t, new Records.W().build(t), Duration.ofSeconds(5));
        Recorder listener = new Recorder();
        TaskExecution e = runtime.start(req, listener);
        cluster.awaitPod(req.podName());
        cluster.setStatus(req.podName(), MockCluster.unschedulable("0/1 nodes are available: 1 node(s) didn't "
                + "match Pod's node affinity/selector."));

        TaskResult r = await(e);
        assertThat(r.phase()).isEqualTo(TaskPhase.FAILED);
        assertThat(r.message()).startsWith("timed out after 5s");
        cluster.awaitGone(req.podName()); // deletion is asynchronous on a real API server too
    }

    @Test
    void imagePullBackOffIsAnErrorNamingTheImage() throws Exception {
        TaskRequest req = request("G");
        TaskExecution e = runtime.start(req, TaskListener.NONE);
        cluster.awaitPod(req.podName());
        cluster.setStatus(req.podName(), phase("Pending", List.of(waiting("main", "alpine:3.7-typo",
                "ImagePullBackOff", "Back-off pulling image \"alpine:3.7-typo\""), running("stager"))));

        TaskResult r = await(e);
        assertThat(r.phase()).isEqualTo(TaskPhase.ERROR);
        assertThat(r.message()).isEqualTo("container 'main': image 'alpine:3.7-typo' could not be pulled "
                + "(ImagePullBackOff): Back-off pulling image \"alpine:3.7-typo\"");
        cluster.awaitGone(req.podName()); // deletion is asynchronous on a real API server too
    }

    @Test
    void anEvictedPodIsAnError() throws Exception {
        TaskRequest req = request("H");
        TaskExecution e = runtime.start(req, TaskListener.NONE);
        cluster.awaitPod(req.podName());
        cluster.setStatus(req.podName(), new PodStatusBuilder().withPhase("Failed").withReason("Evicted")
                .withMessage("The node was low on resource: memory.").build());

        TaskResult r = await(e);
        assertThat(r.phase()).isEqualTo(TaskPhase.ERROR);
        assertThat(r.message()).isEqualTo("the pod was evicted: The node was low on resource: memory.");
    }

    @Test
    void failedPodsAreKeptWhenConfiguredAndSurviveClose() throws Exception {
        runtime.close();
        runtime = new KubernetesTaskRuntime(cluster.client(0), KubernetesRuntimeConfig.defaults()
                .withFailedPodRetention(KubernetesRuntimeConfig.FailedPodRetention.KEEP));
        TaskRequest req = request("I");
        Recorder listener = new Recorder();
        TaskExecution e = runtime.start(req, listener);
        cluster.awaitPod(req.podName());
        cluster.setStatus(req.podName(), phase("Failed", List.of(terminated("main", 2, "Error", null),
                terminated("stager", 0, "Completed", report(new StagerReport(TaskPhase.FAILED, 2, "exit code 2",
                        null, Map.of(), List.of(), false))))));

        assertThat(await(e).phase()).isEqualTo(TaskPhase.FAILED);
        assertThat(listener.statuses).anySatisfy(s -> assertThat(s).contains("kubectl -n ml describe pod"));
        runtime.close();
        assertThat(cluster.exists(req.podName())).isTrue();
    }

    @Test
    void closeCancelsAndDeletesEveryPodOfTheRun() throws Exception {
        List<TaskRequest> requests = List.of(request("J1"), request("J2"), request("J3"));
        List<TaskExecution> executions = requests.stream().map(r -> runtime.start(r, TaskListener.NONE)).toList();
        requests.forEach(r -> cluster.awaitPod(r.podName()));

        runtime.close();

        for (TaskExecution e : executions) {
            TaskResult r = await(e);
            assertThat(r.phase()).isEqualTo(TaskPhase.FAILED);
            assertThat(r.message()).contains("cancelled: the Kubernetes runtime is closing");
        }
        assertThat(cluster.kube().pods().inNamespace(NS).withLabel(PodContract.LABEL_RUN_UID, run.uid()).list()
                .getItems()).isEmpty();
    }

    @Test
    void claimsAreCreatedOnceSharedAndDeletedByFinishPerVolumeClaimGC() throws Exception {
        Template t = Records.T.container("train", new ContainerBuilder().withImage("alpine")
                .withCommand("true").addNewVolumeMount().withName("data").withMountPath("/mnt/data").endVolumeMount()
                .build()).build();
        Records.W w = new Records.W();
        w.claims.add(Records.claimTemplate("data", "2Gi"));
        Workflow wf = w.build(t);
        TaskExecution a = runtime.start(request("K1", t, wf, null), TaskListener.NONE);
        TaskExecution b = runtime.start(request("K2", t, wf, null), TaskListener.NONE);
        cluster.awaitPod(request("K1", t, wf, null).podName());
        cluster.awaitPod(request("K2", t, wf, null).podName());

        var pvcs = cluster.kube().persistentVolumeClaims().inNamespace(NS).list().getItems();
        assertThat(pvcs).extracting(p -> p.getMetadata().getName()).containsExactly("train-data");
        a.cancel("done");
        b.cancel("done");
        await(a);
        await(b);

        runtime.finish(run, false);
        assertThat(cluster.kube().persistentVolumeClaims().inNamespace(NS).withName("train-data").get())
                .as("kept after a failed run (OnWorkflowSuccess)").isNotNull();

        RunInfo second = new RunInfo("train2", "9e9e9e9e-1111-4aaa-8bbb-222233334444", NS, run.creationTimestamp());
        TaskExecution c = runtime.start(new TaskRequest(second, "K3", PodNames.podName("train2", "K3", 0), 0, t, wf,
                null), TaskListener.NONE);
        cluster.awaitPod(PodNames.podName("train2", "K3", 0));
        c.cancel("done");
        await(c);
        runtime.finish(second, true);
        assertThat(cluster.kube().persistentVolumeClaims().inNamespace(NS).withName("train2-data").get())
                .as("deleted after a successful run").isNull();
    }

    @Test
    void forbiddenConflictAndServerErrorsBecomeClearErrors() throws Exception {
        String forbidden = "pods is forbidden: User \"system:serviceaccount:ml:jenkins\" cannot create resource "
                + "\"pods\" in API group \"\" in the namespace \"ml\"";
        cluster.server().expect().post().withPath("/api/v1/namespaces/ml/pods")
                .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden").withMessage(forbidden)
                        .build()).once();
        cluster.server().expect().post().withPath("/api/v1/namespaces/ml/pods")
                .andReturn(409, new StatusBuilder().withCode(409).withReason("AlreadyExists")
                        .withMessage("pods \"x\" already exists").build()).once();
        cluster.server().expect().post().withPath("/api/v1/namespaces/ml/pods")
                .andReturn(500, new StatusBuilder().withCode(500).withMessage("etcdserver: request timed out")
                        .build()).once();

        TaskResult r403 = await(runtime.start(request("L1"), TaskListener.NONE));
        TaskResult r409 = await(runtime.start(request("L2"), TaskListener.NONE));
        TaskResult r500 = await(runtime.start(request("L3"), TaskListener.NONE));

        assertThat(r403.phase()).isEqualTo(TaskPhase.ERROR);
        assertThat(r403.message()).startsWith("creating pod ml/" + request("L1").podName()
                + " failed: forbidden (HTTP 403): " + forbidden).contains("RBAC");
        assertThat(r409.message()).contains("failed: conflict (HTTP 409): pods \"x\" already exists");
        assertThat(r500.message()).contains("failed: the Kubernetes API server had an internal error (HTTP 500): "
                + "etcdserver: request timed out");
    }

    @Test
    void anUnreachableApiServerIsNamed() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        KubernetesClient nowhere = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:" + port).withNamespace(NS).withRequestRetryBackoffLimit(0)
                .withConnectionTimeout(2000).build()).build();
        try (KubernetesTaskRuntime offline = new KubernetesTaskRuntime(nowhere, KubernetesRuntimeConfig.defaults())) {
            TaskResult r = await(offline.start(request("M"), TaskListener.NONE));
            assertThat(r.phase()).isEqualTo(TaskPhase.ERROR);
            assertThat(r.message()).isEqualTo("watching pods in namespace ml failed: cannot reach the Kubernetes API "
                    + "server at http://127.0.0.1:" + port + "/: connection refused; check the kubeconfig context (or "
                    + "--kube-context) and that the cluster is up");
        } finally {
            nowhere.close();
        }
    }

    @Test
    void badInputIsAnErrorBeforeAnyPodIsAskedFor() throws Exception {
        Template t = Records.T.container("bad", new ContainerBuilder().withImage("alpine").withCommand("true")
                .withNewResources().addToLimits("memory", new Quantity("4GB")).endResources().build()).build();
        TaskResult r = await(runtime.start(request("N", t, new Records.W().build(t), null), TaskListener.NONE));
        assertThat(r.phase()).isEqualTo(TaskPhase.ERROR);
        assertThat(r.message()).contains("'4GB' is not a quantity Kubernetes accepts");
        assertThat(cluster.kube().pods().inNamespace(NS).list().getItems()).isEmpty();
    }
}
