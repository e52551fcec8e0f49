package io.onepanel.workflow.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.onepanel.workflow.runtime.TaskPhase;
import io.onepanel.workflow.runtime.TaskResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task sees the template's env and the few variables of the engine's environment that running
 * this machine's commands needs, never the engine's credentials or configuration.
 */
@NeedsNamespaces
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TaskEnvironmentTest {

    @TempDir
    Path temp;

    static final Map<String, String> ENGINE = Map.of(
            "PATH", TaskEnvironment.DEFAULT_PATH,
            "HOME", "/home/engine",
            "LC_ALL", "C.UTF-8",
            "TZ", "UTC",
            "AWS_SECRET_ACCESS_KEY", "the-engines-secret",
            "AWS_ACCESS_KEY_ID", "the-engines-key-id",
            "ONEPANEL_S3_ENDPOINT", "http://minio:9000",
            "KUBECONFIG", "/home/engine/.kube/config",
            "JAVA_TOOL_OPTIONS", "-Dengine=1",
            "JENKINS_URL", "http://jenkins");

    @Test
    void theEnginesCredentialsAndConfigurationNeverReachATask() throws Exception {
        try (LocalTaskRuntime runtime = new LocalTaskRuntime(temp.resolve("work"),
                new FakeArtifactStore(Files.createDirectories(temp.resolve("store"))),
                LocalRuntimeOptions.defaults().withEnvironment(ENGINE))) {
            TaskResult result = runtime.start(Tasks.request(Tasks.run("env"), Tasks.container("env",
                    Tasks.container("env").withEnv(new EnvVarBuilder().withName("GREETING").withValue("hi").build(),
                            new EnvVarBuilder().withName("AWS_REGION").withValue("from-the-template").build())
                            .build())),
                    new RecordingListener()).result().get();

            assertThat(result.phase()).as(result.message()).isEqualTo(TaskPhase.SUCCEEDED);
            List<String> lines = Arrays.asList(result.result().split("\n"));
            assertThat(result.result()).doesNotContain("the-engines-secret", "the-engines-key-id", "minio",
                    "kube", "-Dengine", "jenkins");
            assertThat(lines).contains("PATH=" + TaskEnvironment.DEFAULT_PATH, "HOME=/home/engine", "LC_ALL=C.UTF-8",
                    "TZ=UTC", "GREETING=hi", "AWS_REGION=from-the-template");
        }
    }

    @Test
    void withoutAPathTasksGetTheDefaultOfContainerRuntimes() {
        assertThat(TaskEnvironment.from(Map.of("AWS_SECRET_ACCESS_KEY", "x", "LANG", "C")))
                .isEqualTo(Map.of("PATH", TaskEnvironment.DEFAULT_PATH, "LANG", "C"));
    }
}
