package io.onepanel.workflow.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.onepanel.workflow.artifact.ArtifactRepository;
import io.onepanel.workflow.artifact.CredentialsResolver;
import io.onepanel.workflow.artifact.RoutingArtifactStore;
import io.onepanel.workflow.artifact.S3Credentials;
import io.onepanel.workflow.artifact.S3ProxyServer;
import io.onepanel.workflow.artifact.TransferSettings;
import io.onepanel.workflow.engine.LoadResult;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.RunListener;
import io.onepanel.workflow.engine.RunOptions;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.engine.WorkflowEngine;
import io.onepanel.workflow.engine.WorkflowRun;
import io.onepanel.workflow.pod.PodConfig;
import io.onepanel.workflow.pod.StagerSpec;
import io.onepanel.workflow.testbed.ImageTable;
import io.onepanel.workflow.testbed.TestCluster;
import io.onepanel.workflow.testbed.TestNode;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.services.s3.S3Client;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The engine with {@link KubernetesTaskRuntime} on a {@link TestCluster}, wired as {@code run
 * --kubernetes} wires it: two CPU nodes and a GPU node ({@code nvidia.com/gpu: 2}, tainted as GPU
 * pools are), the stager image running this JVM's {@code onepanel-workflow stage}, and the S3
 * repository (S3Proxy, bucket {@value #BUCKET}) reaching the stager through its environment, keys
 * from a Secret, as docs/pod-contract.md tells an administrator to set it up.
 */
final class TestBedRuns implements AutoCloseable {

    static final String NS = "ml";
    static final String BUCKET = "onepanel";
    static final String STAGER_IMAGE = "onepanel-workflow-stager:test";
    static final String GPU_POOL_LABEL = "beta.kubernetes.io/instance-type";

    final S3ProxyServer s3;
    final TestCluster cluster;
    final KubernetesClient client;
    final KubernetesTaskRuntime runtime;
    private final RoutingArtifactStore store;
    private final WorkflowEngine engine;
    /** Every log line of the runs, "run/task: line". */
    final List<String> logs = Collections.synchronizedList(new ArrayList<>());
    /** Every status message of the runs, "run/task: message". */
    final List<String> statuses = Collections.synchronizedList(new ArrayList<>());

    TestBedRuns(UnaryOperator<KubernetesRuntimeConfig> config) throws Exception {
        // Its own S3Proxy, closed with it: local-runtime tests count this JVM's child processes.
        s3 = S3ProxyServer.transientStore();
        try (S3Client c = s3.client()) {
            c.createBucket(b -> b.bucket(BUCKET));
        }
        cluster = TestCluster.builder()
                .node(TestNode.named("cpu-1"))
                .node(TestNode.named("cpu-2"))
                .node(TestNode.named("gpu-1").withLabel(GPU_POOL_LABEL, "Standard_NC6")
                        .withCapacity("nvidia.com/gpu", "2").withTaint("nvidia.com/gpu", "present", "NoSchedule"))
                .namespace(NS)
                .images(ImageTable.builder()
                        .run("onepanel-workflow-stager:*", (container, env) -> ImageTable.thisJvm(
                                "io.onepanel.workflow.cli.Main", List.of("stage")))
                        .cannotBePulled("*-typo*")
                        .build())
                .maxGracePeriod(Duration.ofSeconds(10))
                .build();
        client = cluster.client(NS);
        client.secrets().resource(new SecretBuilder().withNewMetadata().withName("onepanel-s3").endMetadata()
                .addToData("accessKey", base64(S3ProxyServer.ACCESS_KEY))
                .addToData("secretKey", base64(S3ProxyServer.SECRET_KEY)).build()).create();
        StagerSpec stager = StagerSpec.defaults().withImage(STAGER_IMAGE).withEnv(List.of(
                env("ONEPANEL_S3_BUCKET", BUCKET),
                env("ONEPANEL_S3_ENDPOINT", s3.endpoint().toString()),
                env("ONEPANEL_S3_INSECURE", "true"),
                secretEnv("AWS_ACCESS_KEY_ID", "accessKey"),
                secretEnv("AWS_SECRET_ACCESS_KEY", "secretKey")));
        KubernetesRuntimeConfig base = KubernetesRuntimeConfig.defaults().withNamespace(NS)
                .withPod(PodConfig.defaults().withStager(stager));
        runtime = new KubernetesTaskRuntime(cluster.client(NS), config.apply(base));
        store = RoutingArtifactStore.s3(ArtifactRepository.onepanel(BUCKET)
                .withEndpoint(s3.endpoint().toString(), true)
                .withCredentials(new S3Credentials.StaticKeys(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY))
                .withTransfers(TransferSettings.DEFAULT.withFlexibleChecksums(false)), CredentialsResolver.NONE);
        engine = WorkflowEngine.builder().runtime(runtime).artifacts(store).build();
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static EnvVar env(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }

    private static EnvVar secretEnv(String name, String key) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef().withName("onepanel-s3")
                .withKey(key).endSecretKeyRef().endValueFrom().build();
    }

    /** Starts a run of {@code yaml} (named {@code name}) in namespace {@value #NS}. */
    WorkflowRun start(String name, String yaml, Map<String, String> parameters) {
        LoadResult loaded = engine.load(name + ".yaml", yaml);
        assertThat(loaded.errors()).isEmpty();
        return engine.start(loaded.workflow(), new RunOptions(parameters, name, NS, null, null), new RunListener() {
            @Override
            public void log(NodeStatus node, String line) {
                logs.add(name + "/" + node.name() + ": " + line);
            }

            @Override
            public void status(NodeStatus node, String message) {
                statuses.add(name + "/" + node.name() + ": " + message);
            }
        });
    }

    RunResult run(String name, String yaml) throws Exception {
        return start(name, yaml, Map.of()).completion().get(300, TimeUnit.SECONDS);
    }

    static NodeStatus node(RunResult result, String name) {
        return result.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow(
                () -> new AssertionError("no node " + name + " in " + result.nodes()));
    }

    /** Closes the runtime (which deletes its pods), then the cluster, which fails if anything of a pod survived. */
    @Override
    public void close() {
        try {
            runtime.close();
            store.close();
        } finally {
            try {
                cluster.close();
            } finally {
                try {
                    s3.close();
                } catch (Exception e) {
                    throw new IllegalStateException("S3Proxy did not stop", e);
                }
            }
        }
    }
}
