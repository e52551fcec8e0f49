package io.onepanel.workflow.e2e;

import static io.onepanel.workflow.e2e.LocalEngine.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.Progress;
import io.onepanel.workflow.engine.RunListener;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.runtime.local.NeedsNamespaces;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task reports its own progress as Argo's tasks do, writing {@code N/M} to the file its
 * {@code ARGO_PROGRESS_FILE} names: the run sees it while the task runs, a success completes it,
 * and the run's progress adds up its tasks (a task that reports nothing is 0/1, then 1/1).
 */
@NeedsNamespaces
class TaskProgressTest {

    @TempDir
    Path temp;

    Path shared;
    LocalEngine local;

    @BeforeEach
    void start() throws IOException {
        local = new LocalEngine(temp);
        // Tasks see this machine's directories, but each has a /tmp of its own: the word to go on lies outside /tmp.
        shared = Files.createTempDirectory(Files.createDirectories(Path.of("target", "e2e").toAbsolutePath()), "progress-");
    }

    @AfterEach
    void stop() throws IOException {
        local.close();
        Files.deleteIfExists(shared.resolve("go"));
        Files.deleteIfExists(shared);
    }

    @Test
    void aTasksOwnProgressIsSeenWhileItRunsCompletedBySuccessAndAddedUp() throws Exception {
        Path go = shared.resolve("go");
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: train, template: train}
                    - {name: broken, template: broken}
                    - {name: quiet, template: quiet}
                - name: train
                  container:
                    image: alpine
                    command: [sh, -c, 'echo 3/10 > "$ARGO_PROGRESS_FILE"; until [ -e %s ]; do sleep 0.1; done; echo 7/10 > "$ARGO_PROGRESS_FILE"']
                - name: broken
                  container: {image: alpine, command: [sh, -c, 'echo " 2/5" > "$ARGO_PROGRESS_FILE"; exit 3']}
                - name: quiet
                  container: {image: alpine, command: [sh, -c, 'echo not-progress > "$ARGO_PROGRESS_FILE"']}
                """.formatted(go);
        List<String> seen = new CopyOnWriteArrayList<>();
        RunListener listener = new RunListener() {
            @Override
            public void nodeChanged(NodeStatus node) {
                if (node.name().equals("train") && node.phase() == NodePhase.RUNNING && node.progress() != null) {
                    seen.add(node.progress());
                    try {
                        Files.writeString(go, "go"); // train goes on only once its first report was seen
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        };

        RunResult result = local.start(local.valid(local.load(yaml)), Map.of(), listener).completion()
                .get(120, TimeUnit.SECONDS);

        assertThat(seen).first().isEqualTo("3/10");
        assertThat(node(result, "train").progress()).as("its last report").isEqualTo("7/10");
        assertThat(Progress.of(node(result, "train"))).as("completed by its success").hasToString("10/10");
        assertThat(node(result, "broken").phase()).isEqualTo(NodePhase.FAILED);
        assertThat(Progress.of(node(result, "broken"))).as("read once more after it ended").hasToString("2/5");
        assertThat(node(result, "quiet").progress()).as("not N/M: ignored, as Argo does").isNull();
        assertThat(Progress.of(node(result, "quiet"))).hasToString("1/1");
        assertThat(Progress.ofRun(result.nodes())).hasToString("13/16");
        String dag = result.nodes().stream().filter(n -> n.name().equals(result.workflowName())).findFirst()
                .orElseThrow().id();
        assertThat(Progress.perNode(result.nodes()).get(dag)).as("a DAG adds up the tasks below it")
                .hasToString("13/16");
    }
}
