package io.onepanel.workflow.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.ArtifactStore;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.runtime.RunInfo;
import io.onepanel.workflow.runtime.TaskExecution;
import io.onepanel.workflow.runtime.TaskPhase;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.Inputs;
import io.onepanel.workflow.template.Outputs;
import io.onepanel.workflow.template.TemplateType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A cancel reaches an artifact transfer in progress at once, as the stores take an interrupt as cancel. */
@NeedsNamespaces
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TransferCancelTest {

    @TempDir
    Path temp;

    /** A store whose fetch hangs, as one against a server that stopped answering does, until interrupted. */
    static final class HangingStore implements ArtifactStore {
        final CountDownLatch fetching = new CountDownLatch(1);
        volatile boolean interrupted;

        @Override
        public Artifact locate(Artifact output, Map<String, String> variables) {
            return output;
        }

        @Override
        public void fetch(Artifact input, Path target, TransferListener listener) throws ArtifactException {
            fetching.countDown();
            try {
                Thread.sleep(TimeUnit.MINUTES.toMillis(10));
            } catch (InterruptedException e) {
                interrupted = true;
                Thread.currentThread().interrupt();
                throw new ArtifactException("fetch of '" + input.name() + "' cancelled");
            }
        }

        @Override
        public Artifact store(Artifact output, Path source, TransferListener listener) {
            return output;
        }
    }

    @Test
    void cancelInterruptsAnInputTransferAndTheAttemptEndsCancelled() throws Exception {
        HangingStore store = new HangingStore();
        RunInfo run = Tasks.run("transfer-cancel");
        Inputs inputs = new Inputs(List.of(), List.of(Tasks.artifact("data", "/tmp/in/data", "in/data", false)));
        try (LocalTaskRuntime runtime = new LocalTaskRuntime(temp.resolve("work"), store)) {
            TaskExecution execution = runtime.start(Tasks.request(run, Tasks.template("reads", TemplateType.CONTAINER,
                    Tasks.container("true").build(), null, inputs, Outputs.EMPTY, List.of())), new RecordingListener());
            assertThat(store.fetching.await(1, TimeUnit.MINUTES)).as("the fetch started").isTrue();

            execution.cancel("stop it");
            TaskResult result = execution.result().get(1, TimeUnit.MINUTES);

            assertThat(store.interrupted).as("the transfer was interrupted").isTrue();
            assertThat(result.phase()).isEqualTo(TaskPhase.FAILED);
            assertThat(result.message()).isEqualTo("cancelled: stop it");
        }
    }
}
