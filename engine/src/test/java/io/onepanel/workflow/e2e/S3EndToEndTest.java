package io.onepanel.workflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.artifact.ArtifactRepository;
import io.onepanel.workflow.artifact.CredentialsResolver;
import io.onepanel.workflow.artifact.RoutingArtifactStore;
import io.onepanel.workflow.artifact.S3Credentials;
import io.onepanel.workflow.artifact.S3ProxyServer;
import io.onepanel.workflow.artifact.TransferSettings;
import io.onepanel.workflow.engine.LoadResult;
import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.RunListener;
import io.onepanel.workflow.engine.RunOptions;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.engine.WorkflowEngine;
import io.onepanel.workflow.runtime.local.LocalTaskRuntime;
import io.onepanel.workflow.runtime.local.NeedsNamespaces;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Onepanel's inputs/outputs example against a real S3 server (S3Proxy on 127.0.0.1, reached through
 * the AWS SDK over HTTP), with real processes: an input prefix is downloaded as a directory, the
 * output directory is stored unarchived under the {@code model-path} key, and a second task reads
 * that directory back by key.
 */
@NeedsNamespaces
class S3EndToEndTest {

    static S3ProxyServer server;
    static S3Client client;

    @BeforeAll
    static void start() throws Exception {
        server = S3ProxyServer.transientStore();
        client = server.client();
        client.createBucket(b -> b.bucket("onepanel"));
        put("my-data/input/readme.txt", "read me\n");
        put("my-data/input/nested/deeper/numbers.csv", "1,2,3\n");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static void put(String key, String text) {
        client.putObject(b -> b.bucket("onepanel").key(key), RequestBody.fromString(text));
    }

    static String get(String key) {
        return client.getObjectAsBytes(b -> b.bucket("onepanel").key(key)).asString(StandardCharsets.UTF_8);
    }

    /** The seed's task, without its sleep and its third output (a bucket on the public internet). */
    static final String TWO_TASKS = """
            entrypoint: main
            arguments:
              parameters:
              - name: model-path
                value: my-data/output
            templates:
            - name: main
              dag:
                tasks:
                - name: input-output
                  template: input-output
                - name: read-back
                  dependencies: [input-output]
                  template: read-back
            - name: input-output
              container:
                image: bash
                command: [bash, -c]
                args:
                - |
                  ls -R /tmp/input && mkdir -p /tmp/output/models \\
                    && cp /tmp/input/nested/deeper/numbers.csv /tmp/output/models/ \\
                    && echo "hello" > /tmp/output/message.txt
              inputs:
                artifacts:
                - name: input
                  path: /tmp/input/
                  s3:
                    key: my-data/input
              outputs:
                artifacts:
                - name: output-one
                  path: /tmp/output
                - name: output-two
                  path: /tmp/output
                  s3:
                    key: '{{workflow.parameters.model-path}}'
            - name: read-back
              container:
                image: bash
                command: [bash, -c, "cat /mnt/model/message.txt /mnt/model/models/numbers.csv"]
              inputs:
                artifacts:
                - name: model
                  path: /mnt/model
                  s3:
                    key: '{{workflow.parameters.model-path}}'
            """;

    @Test
    void twoTasksHandADirectoryToEachOtherThroughS3(@TempDir Path work) throws Exception {
        List<String> logs = new CopyOnWriteArrayList<>();
        RunResult result = run(TWO_TASKS, work, logs);

        assertThat(result.phase()).as(result.message()).isEqualTo(NodePhase.SUCCEEDED);
        // The input prefix arrived as a tree.
        assertThat(logs).contains("[input-output] /tmp/input/nested/deeper:");
        // The output directory is stored unarchived, one object per file, under the model-path key...
        assertThat(get("my-data/output/message.txt")).isEqualTo("hello\n");
        assertThat(get("my-data/output/models/numbers.csv")).isEqualTo("1,2,3\n");
        // ...and, for the output without a key, under Onepanel's key format plus the path's base name
        // (Argo's rule for unarchived outputs).
        NodeStatus first = node(result, "input-output");
        String defaultKey = "artifacts/default/" + result.workflowName() + "/" + first.podName() + "/output/message.txt";
        assertThat(get(defaultKey)).isEqualTo("hello\n");
        // The second task read the directory back by key.
        assertThat(node(result, "read-back").result()).isEqualTo("hello\n1,2,3");
    }

    @Test
    void aMissingInputFailsTheTaskBeforeItsCommandRunsNamingBucketAndKey(@TempDir Path work) throws Exception {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag: {tasks: [{name: consume, template: consume}]}
                - name: consume
                  container: {image: bash, command: [bash, -c, "echo ran > /dev/stderr"]}
                  inputs: {artifacts: [{name: data, path: /tmp/data, s3: {key: no/such/key}}]}
                """;
        List<String> logs = new CopyOnWriteArrayList<>();
        RunResult result = run(yaml, work, logs);
        assertThat(result.phase()).isEqualTo(NodePhase.ERROR);
        assertThat(node(result, "consume").message()).contains("onepanel").contains("no/such/key");
        assertThat(logs).noneMatch(l -> l.contains("ran"));
    }

    private static RunResult run(String yaml, Path work, List<String> logs) throws Exception {
        ArtifactRepository repository = ArtifactRepository.onepanel("onepanel")
                .withEndpoint(server.endpoint().toString(), true)
                .withCredentials(new S3Credentials.StaticKeys(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY))
                .withTransfers(TransferSettings.DEFAULT.withFlexibleChecksums(false)
                        .withRetries(2, Duration.ofMillis(10), Duration.ofMillis(50)));
        try (RoutingArtifactStore store = RoutingArtifactStore.s3(repository, CredentialsResolver.NONE);
                LocalTaskRuntime runtime = new LocalTaskRuntime(Files.createDirectories(work.resolve("work")), store)) {
            WorkflowEngine engine = WorkflowEngine.builder().runtime(runtime).artifacts(store).build();
            LoadResult loaded = engine.load("inputs-outputs.yaml", yaml);
            assertThat(loaded.errors()).isEmpty();
            RunListener listener = new RunListener() {
                @Override
                public void log(NodeStatus node, String line) {
                    logs.add("[" + node.name() + "] " + line);
                }
            };
            return engine.start(loaded.workflow(), RunOptions.withParameters(Map.of()), listener)
                    .completion().get(120, TimeUnit.SECONDS);
        }
    }

    private static NodeStatus node(RunResult result, String name) {
        return result.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }
}
