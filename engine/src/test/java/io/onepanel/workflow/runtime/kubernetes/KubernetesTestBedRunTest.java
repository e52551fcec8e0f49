package io.onepanel.workflow.runtime.kubernetes;

import static io.onepanel.workflow.runtime.kubernetes.TestBedRuns.NS;
import static io.onepanel.workflow.runtime.kubernetes.TestBedRuns.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.NodeType;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.testbed.NeedsTestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Workflows through the engine and {@link KubernetesTaskRuntime} on the test bed: every task is a
 * pod whose containers really ran (the gate and the task's command on this machine, the stager as
 * this project's {@code stage} command), so what is asserted here only a real run produces: the
 * lines the command printed, its stdout as the result, files it wrote, objects in S3.
 */
@NeedsTestCluster
class KubernetesTestBedRunTest {

    static TestBedRuns bed;
    static S3Client s3;

    @BeforeAll
    static void start() throws Exception {
        bed = new TestBedRuns(UnaryOperator.identity());
        s3 = bed.s3.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (s3 != null) {
            s3.close();
        }
        if (bed != null) {
            bed.close();
        }
    }

    static void put(String key, String text) {
        s3.putObject(b -> b.bucket(TestBedRuns.BUCKET).key(key), RequestBody.fromString(text));
    }

    static String get(String key) {
        return s3.getObjectAsBytes(b -> b.bucket(TestBedRuns.BUCKET).key(key)).asString(StandardCharsets.UTF_8);
    }

    @Test
    void theDiamondRunsEveryTaskAsAPodInDependencyOrder() throws Exception {
        String yaml = Files.readString(Path.of(System.getProperty("onepanel.examples", "../examples"),
                "dag-diamond.yaml"));

        RunResult result = bed.run("diamond", yaml);

        assertThat(result.phase()).as(result.message()).isEqualTo(NodePhase.SUCCEEDED);
        for (String task : new String[] {"A", "B", "C", "D"}) {
            NodeStatus n = node(result, task);
            assertThat(n.result()).as("task %s's stdout, as the stager read it", task).isEqualTo(task);
            assertThat(bed.logs).as("streamed from the pod's log").contains("diamond/" + task + ": " + task);
            assertThat(bed.cluster.events(NS, n.podName())).contains(
                    "Started: Started container main", "Started: Started container stager");
            assertThat(bed.client.pods().withName(n.podName()).get()).as("deleted after the task").isNull();
        }
        NodeStatus d = node(result, "D");
        assertThat(d.startedAt()).isAfterOrEqualTo(node(result, "B").finishedAt())
                .isAfterOrEqualTo(node(result, "C").finishedAt());
    }

    @Test
    void artifactsGoThroughS3BetweenTheStagerAndTheCommand() throws Exception {
        put("k8s/input/readme.txt", "read me\n");
        put("k8s/input/nested/numbers.csv", "1,2,3\n");
        String yaml = """
                entrypoint: main
                arguments: {parameters: [{name: model-path, value: k8s/model}]}
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: produce, template: produce}
                    - {name: consume, dependencies: [produce], template: consume}
                - name: produce
                  container:
                    image: bash
                    command: [bash, -c]
                    args: ["ls -R /tmp/input && mkdir -p /tmp/output/models && cp /tmp/input/nested/numbers.csv \\
                      /tmp/output/models/ && echo hello > /tmp/output/message.txt && echo 3 > /tmp/count"]
                  inputs: {artifacts: [{name: input, path: /tmp/input/, s3: {key: k8s/input}}]}
                  outputs:
                    artifacts: [{name: model, path: /tmp/output, s3: {key: '{{workflow.parameters.model-path}}'}}]
                    parameters: [{name: count, valueFrom: {path: /tmp/count}}]
                - name: consume
                  container: {image: bash, command: [bash, -c, "cat /tmp/model/message.txt /tmp/model/models/numbers.csv"]}
                  inputs: {artifacts: [{name: model, path: /tmp/model, s3: {key: '{{workflow.parameters.model-path}}'}}]}
                """;

        RunResult result = bed.run("artifacts", yaml);

        assertThat(result.phase()).as(result.message()).isEqualTo(NodePhase.SUCCEEDED);
        assertThat(bed.logs).as("the input prefix arrived as a tree").contains("artifacts/produce: /tmp/input/nested:");
        assertThat(get("k8s/model/message.txt")).isEqualTo("hello\n");
        assertThat(get("k8s/model/models/numbers.csv")).isEqualTo("1,2,3\n");
        assertThat(node(result, "produce").outputParameters()).containsEntry("count", "3");
        assertThat(node(result, "consume").result()).isEqualTo("hello\n1,2,3");
    }

    @Test
    void aClaimFromVolumeClaimTemplatesCarriesAFileFromOneTaskToTheNextAndGoesWithTheRun() throws Exception {
        String yaml = """
                entrypoint: main
                volumeClaimTemplates:
                - metadata: {name: data}
                  spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: write, template: write}
                    - {name: read, dependencies: [write], template: read}
                - name: write
                  container:
                    image: alpine
                    command: [sh, -c, "echo written by write > /mnt/data/note"]
                    volumeMounts: [{name: data, mountPath: /mnt/data}]
                  outputs: {artifacts: [{name: note, path: /mnt/data/note, s3: {key: k8s/claims/note}}]}
                - name: read
                  container:
                    image: alpine
                    command: [sh, -c, "cat /mnt/data/note"]
                    volumeMounts: [{name: data, mountPath: /mnt/data}]
                """;
        java.util.concurrent.atomic.AtomicReference<String> directory = new java.util.concurrent.atomic.AtomicReference<>();
        var watch = bed.client.persistentVolumes().watch(new io.fabric8.kubernetes.client.Watcher<>() {
            @Override
            public void eventReceived(Action action, io.fabric8.kubernetes.api.model.PersistentVolume pv) {
                directory.compareAndSet(null, pv.getSpec().getHostPath().getPath());
            }

            @Override
            public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
        });
        try {
            RunResult result = bed.run("claims", yaml);

            assertThat(result.phase()).as(result.message()).isEqualTo(NodePhase.SUCCEEDED);
            assertThat(node(result, "read").result()).isEqualTo("written by write");
            assertThat(get("k8s/claims/note")).as("the stager read the output through the claim").isEqualTo(
                    "written by write\n");
        } finally {
            watch.close();
        }
        // volumeClaimGC's default, OnWorkflowSuccess: the run succeeded, so its claim goes, and its volume with it.
        // Polled: the mock API server's watches do not replay what happened between a list and the watch.
        for (int i = 0; i < 1200 && bed.client.persistentVolumeClaims().withName("claims-data").get() != null; i++) {
            Thread.sleep(50);
        }
        assertThat(bed.client.persistentVolumeClaims().withName("claims-data").get()).isNull();
        assertThat(directory.get()).isNotNull();
        for (int i = 0; i < 600 && Files.exists(Path.of(directory.get())); i++) {
            Thread.sleep(50);
        }
        assertThat(Path.of(directory.get())).doesNotExist();
    }

    @Test
    void aRetriedTaskFailsForRealThenSucceeds(@org.junit.jupiter.api.io.TempDir Path shared) throws Exception {
        String yaml = """
                entrypoint: main
                volumes: [{name: shared, hostPath: {path: %s}}]
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: flaky, template: flaky}
                - name: flaky
                  retryStrategy: {limit: 2, retryPolicy: Always, backoff: {duration: "0"}}
                  script:
                    image: alpine
                    command: [sh]
                    volumeMounts: [{name: shared, mountPath: /mnt/shared}]
                    source: |
                      n=$(cat /mnt/shared/count 2>/dev/null || echo 0); n=$((n+1)); echo $n > /mnt/shared/count
                      echo attempt $n
                      [ $n -ge 2 ] || exit 7
                """.formatted(shared);

        RunResult result = bed.run("retries", yaml);

        assertThat(result.phase()).as(result.message()).isEqualTo(NodePhase.SUCCEEDED);
        List<NodeStatus> attempts = result.nodes().stream().filter(n -> n.type() == NodeType.POD).toList();
        assertThat(attempts).extracting(NodeStatus::phase).containsExactly(NodePhase.FAILED, NodePhase.SUCCEEDED);
        assertThat(attempts).extracting(NodeStatus::exitCode).containsExactly(7, 0);
        assertThat(attempts).extracting(NodeStatus::result).containsExactly("attempt 1", "attempt 2");
        assertThat(attempts.get(0).podName()).isNotEqualTo(attempts.get(1).podName());
        assertThat(Files.readString(shared.resolve("count")).trim()).isEqualTo("2");
    }

    @Test
    void aCommandThatLeavesABackgroundProcessBehindEndsWhenItEnds() throws Exception {
        // As in any container whose first process ends: what the command left running is killed, the task ends.
        RunResult result = bed.start("background", """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: serve, template: serve}
                - name: serve
                  container: {image: alpine, command: [sh, -c, "sleep 987004 & echo started a server"]}
                """, java.util.Map.of()).completion().get(120, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(result.phase()).as(result.message()).isEqualTo(NodePhase.SUCCEEDED);
        assertThat(node(result, "serve").result()).isEqualTo("started a server");
        assertThat(KubernetesTestBedStopTest.processes("sleep 987004")).isEmpty();
    }

    @Test
    void aResultTooLargeForATerminationMessageComesThroughTheStagersLog() throws Exception {
        // 6000 bytes of stdout: the stager's report exceeds Kubernetes' 4096-byte termination message,
        // so the runtime reads it from the last lines of the stager's log (tailLines through the API server).
        RunResult result = bed.run("large", """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: talk, template: talk}
                - name: talk
                  container: {image: alpine, command: [sh, -c, "head -c 6000 /dev/zero | tr '\\\\0' x"]}
                """);

        assertThat(result.phase()).as(result.message()).isEqualTo(NodePhase.SUCCEEDED);
        assertThat(node(result, "talk").result()).isEqualTo("x".repeat(6000));
    }

    @Test
    void aValueWithDollarsReachesTheProcessLiterallyThoughKubernetesExpandsVariables() throws Exception {
        // HOME is in the container's environment: Kubernetes would turn an unescaped $(HOME) into its value.
        String yaml = """
                entrypoint: main
                arguments: {parameters: [{name: v, value: x}]}
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: echo, template: echo}
                    - {name: script, template: script}
                - name: echo
                  container:
                    image: alpine
                    command: [sh, -c, 'printf "%s|%s|%s" "$1" "$V" "$(HOME)"', sh, "{{workflow.parameters.v}}"]
                    env:
                    - {name: HOME, value: /home/task}
                    - {name: V, value: "{{workflow.parameters.v}}"}
                - name: script
                  script:
                    image: alpine
                    command: [sh]
                    env: [{name: HOME, value: /home/task}]
                    source: |
                      # $(HOME) $$x
                      head -n 1 "$0"
                """;

        RunResult result = bed.start("dollars", yaml, java.util.Map.of("v", "$(HOME) $$x")).completion()
                .get(300, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(result.phase()).as(result.message()).isEqualTo(NodePhase.SUCCEEDED);
        assertThat(node(result, "echo").result()).as("the values as given; the template's own $(HOME) expanded")
                .isEqualTo("$(HOME) $$x|$(HOME) $$x|/home/task");
        assertThat(node(result, "script").result()).as("the script's source as written")
                .isEqualTo("# $(HOME) $$x");
    }
}
