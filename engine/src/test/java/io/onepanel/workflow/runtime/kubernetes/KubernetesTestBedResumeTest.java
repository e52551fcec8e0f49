package io.onepanel.workflow.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.onepanel.workflow.artifact.S3ProxyServer;
import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.journal.RecordedRun;
import io.onepanel.workflow.testbed.ImageTable;
import io.onepanel.workflow.testbed.NeedsTestCluster;
import io.onepanel.workflow.testbed.TestCluster;
import io.onepanel.workflow.testbed.TestNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code onepanel-workflow resume} of a {@code run --kubernetes} whose process was killed with
 * SIGKILL while a task's pod ran, on the test bed: the command line is a process of its own (this
 * JVM's class path), its pods really run, and each task appends to a counter file on this machine
 * to prove how often it ran. A pod that is still there is reattached and its command runs once; a
 * pod that is gone runs its attempt again; what had succeeded never runs again.
 */
@NeedsTestCluster
@Timeout(value = 6, unit = TimeUnit.MINUTES) // a hang guard only
class KubernetesTestBedResumeTest {

    private static final String NS = "ml";
    private static final String BUCKET = "onepanel";
    private static final String STAGER_IMAGE = "onepanel-workflow-stager:test";

    @TempDir
    Path temp;

    private S3ProxyServer s3;
    private TestCluster cluster;
    private KubernetesClient client;
    private Path kubeconfig;

    @BeforeEach
    void start() throws Exception {
        s3 = S3ProxyServer.transientStore();
        try (S3Client c = s3.client()) {
            c.createBucket(b -> b.bucket(BUCKET));
        }
        String endpoint = s3.endpoint().toString();
        // The stager image as an administrator would build it: the repository and its keys in its environment.
        cluster = TestCluster.builder()
                .node(TestNode.named("cpu-1"))
                .namespace(NS)
                .images(ImageTable.builder().run("onepanel-workflow-stager:*", (container, env) -> {
                    List<String> argv = new ArrayList<>(List.of("env", "ONEPANEL_S3_BUCKET=" + BUCKET,
                            "ONEPANEL_S3_ENDPOINT=" + endpoint, "ONEPANEL_S3_INSECURE=true",
                            "AWS_ACCESS_KEY_ID=" + S3ProxyServer.ACCESS_KEY,
                            "AWS_SECRET_ACCESS_KEY=" + S3ProxyServer.SECRET_KEY, "AWS_REGION=us-east-1"));
                    argv.addAll(ImageTable.thisJvm("io.onepanel.workflow.cli.Main", List.of("stage")));
                    return argv;
                }).build())
                .maxGracePeriod(Duration.ofSeconds(10))
                .build();
        client = cluster.client(NS);
        Files.createDirectories(shared());
        kubeconfig = temp.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: bed, cluster: {server: "%s"}}]
                users: [{name: bed, user: {token: test-bed}}]
                contexts: [{name: bed, context: {cluster: bed, user: bed, namespace: %s}}]
                current-context: bed
                """.formatted(cluster.url(), NS));
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (cluster != null) {
                cluster.close(); // fails if anything of a pod survived
            }
        } finally {
            if (s3 != null) {
                s3.close();
            }
        }
    }

    /** A directory of this machine that every task mounts: a container's own /tmp is its own. */
    private Path shared() {
        return temp.resolve("shared");
    }

    private Path counter() {
        return shared().resolve("counter");
    }

    private List<String> counted() throws IOException {
        return Files.exists(counter()) ? Files.readAllLines(counter()) : List.of();
    }

    /** A diamond whose C waits for the test's word (a file) before it ends. */
    private Path diamond() throws IOException {
        Path template = temp.resolve("diamond.yaml");
        Files.writeString(template, """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: A, template: step, arguments: {parameters: [{name: n, value: A}]}}
                    - {name: B, depends: A, template: step, arguments: {parameters: [{name: n, value: B}]}}
                    - {name: C, depends: A, template: slow}
                    - {name: D, depends: B && C, template: step, arguments: {parameters: [{name: n, value: D}]}}
                - name: step
                  inputs: {parameters: [{name: n}]}
                  container:
                    image: alpine
                    command: [sh, -c, "echo {{inputs.parameters.n}} >> /shared/counter"]
                    volumeMounts: [{name: shared, mountPath: /shared}]
                - name: slow
                  container:
                    image: alpine
                    command: [sh, -c, "echo C-start >> /shared/counter; until [ -e /shared/release ]; do sleep 0.1; done; echo C >> /shared/counter; echo C-out"]
                    volumeMounts: [{name: shared, mountPath: /shared}]
                volumes: [{name: shared, hostPath: {path: "%s"}}]
                """.formatted(shared()));
        return template;
    }

    private Path release() {
        return shared().resolve("release");
    }

    /** The command line, from this JVM's class path, talking to the test bed and to S3Proxy. */
    private ProcessBuilder cli(Path output, String... args) {
        List<String> command = new ArrayList<>(ImageTable.thisJvm("io.onepanel.workflow.cli.Main", List.of(args)));
        command.addAll(List.of("--runs", temp.resolve("runs").toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(temp.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        builder.environment().put("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY);
        builder.environment().put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
        builder.environment().put("AWS_REGION", "us-east-1");
        return builder;
    }

    private Process run(String name, Path output) throws IOException {
        return cli(output, "run", diamond().toString(), "--name", name, "--kubernetes", "--namespace", NS,
                "--s3-bucket", BUCKET, "--s3-endpoint", s3.endpoint().toString(), "--stager-image", STAGER_IMAGE)
                .start();
    }

    /** Runs the diamond until C's pod runs its command, then kills the command line with SIGKILL. */
    private String killedWhileCRuns(String name) throws Exception {
        Path output = temp.resolve(name + "-first.txt");
        Process first = run(name, output);
        Path runDir = temp.resolve("runs").resolve(name);
        try {
            await(() -> Files.exists(runDir.resolve("journal.jsonl")) && is(RecordedRun.read(runDir), "B",
                    NodePhase.SUCCEEDED) && counted().contains("C-start"), first, output);
        } finally {
            first.destroyForcibly(); // SIGKILL: the command can neither clean up nor write
            first.waitFor();
        }
        RecordedRun killed = RecordedRun.read(runDir);
        assertThat(killed.ended()).isFalse();
        String pod = killed.nodes().stream().filter(n -> n.name().equals("C")).map(NodeStatus::podName)
                .findFirst().orElseThrow();
        assertThat(client.pods().withName(pod).get()).as("C's pod outlives the command line").isNotNull();
        return pod;
    }

    @Test
    void aPodThatStillRunsIsReattachedAndItsCommandRunsOnce() throws Exception {
        String pod = killedWhileCRuns("durable-1");
        Path output = temp.resolve("resumed.txt");

        Process resume = cli(output, "resume", "durable-1").start();
        await(() -> Files.readString(output).contains("reattached"), resume, output);
        Files.writeString(release(), "go");

        assertThat(resume.waitFor(180, TimeUnit.SECONDS)).as("resume ends").isTrue();
        String said = Files.readString(output);
        assertThat(resume.exitValue()).as(said).isZero();
        assertThat(said).contains("Resuming durable-1: 2 tasks had ended and keep their results, 1 was running: "
                + "reattached to its pod where that still exists, else run again",
                "[C] pod ml/" + pod + " reattached: an earlier process of this run created it; its log from the start",
                "[C] C-out", "Workflow durable-1 Succeeded");
        assertThat(counted()).containsExactlyInAnyOrder("A", "B", "C-start", "C", "D");
        assertThat(counted().subList(3, 5)).containsExactly("C", "D");
        RecordedRun finished = RecordedRun.read(temp.resolve("runs/durable-1"));
        assertThat(finished.nodes().stream().filter(n -> n.name().equals("C")).findFirst().orElseThrow().result())
                .as("C's stdout, read from the reattached pod").isEqualTo("C-out");
        assertThat(client.pods().list().getItems()).extracting(p -> p.getMetadata().getName())
                .as("every pod of the run is gone").isEmpty();
    }

    @Test
    void aPodThatIsGoneRunsItsAttemptAgain() throws Exception {
        String pod = killedWhileCRuns("durable-2");
        Pod c = client.pods().withName(pod).get();
        client.pods().resource(c).withGracePeriod(0).delete();
        client.pods().withName(pod).waitUntilCondition(p -> p == null, 60, TimeUnit.SECONDS);
        Files.writeString(release(), "go");
        Path output = temp.resolve("resumed.txt");

        Process resume = cli(output, "resume", "durable-2").start();

        assertThat(resume.waitFor(180, TimeUnit.SECONDS)).as("resume ends").isTrue();
        String said = Files.readString(output);
        assertThat(resume.exitValue()).as(said).isZero();
        assertThat(said).contains("[C] pod ml/" + pod + " created", "Workflow durable-2 Succeeded")
                .doesNotContain("reattached: ");
        assertThat(counted()).containsExactlyInAnyOrder("A", "B", "C-start", "C-start", "C", "D");
        assertThat(counted().get(5)).isEqualTo("D");
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(Check condition, Process p, Path output) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!condition.holds()) {
            assertThat(p.isAlive()).as("the command is still going; its output: %s", Files.readString(output))
                    .isTrue();
            assertThat(System.nanoTime()).as("waited 180 s; output: %s", Files.readString(output))
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static boolean is(RecordedRun run, String task, NodePhase phase) {
        return run.nodes().stream().anyMatch(n -> n.name().equals(task) && n.phase() == phase);
    }
}
