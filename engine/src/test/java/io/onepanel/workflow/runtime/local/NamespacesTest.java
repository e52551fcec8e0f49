package io.onepanel.workflow.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.runtime.RunInfo;
import io.onepanel.workflow.runtime.TaskPhase;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.template.Template;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Where namespaces cannot be made, every attempt fails at once with what is missing. */
@NeedsNamespaces
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class NamespacesTest {

    @TempDir
    Path temp;

    RunInfo run = Tasks.run("ns");
    Template echo = Tasks.container("echo", Tasks.container("echo", "ran").build());

    TaskResult runWith(LocalRuntimeOptions options, RecordingListener listener) throws Exception {
        try (LocalTaskRuntime runtime = new LocalTaskRuntime(temp.resolve("work"),
                new FakeArtifactStore(Files.createDirectories(temp.resolve("store"))), options)) {
            return runtime.start(Tasks.request(run, echo), listener).result().get();
        }
    }

    @Test
    void aMissingUnshareIsNamedAndNothingRuns() throws Exception {
        RecordingListener listener = new RecordingListener();

        TaskResult result = runWith(LocalRuntimeOptions.defaults().withUnshare(Path.of("/nonexistent/unshare")),
                listener);

        assertThat(result.phase()).isEqualTo(TaskPhase.ERROR);
        assertThat(result.message())
                .isEqualTo("unshare not found (util-linux): /nonexistent/unshare does not exist");
        assertThat(listener.lines).isEmpty();
    }

    @Test
    void theMachineIsProbedOncePerRuntime() throws Exception {
        Path counter = temp.resolve("probes");
        Path unshare = fakeUnshare("echo probe >> '" + counter + "'\nexec /usr/bin/unshare \"$@\"\n");
        try (LocalTaskRuntime runtime = new LocalTaskRuntime(temp.resolve("work"),
                new FakeArtifactStore(Files.createDirectories(temp.resolve("store"))),
                LocalRuntimeOptions.defaults().withUnshare(unshare))) {
            for (int i = 0; i < 3; i++) {
                TaskResult result = runtime.start(Tasks.request(run, echo), new RecordingListener()).result().get();
                assertThat(result.result()).isEqualTo("ran");
            }
        }
        // One line for the probe, then one per attempt.
        assertThat(Files.readAllLines(counter)).hasSize(4);
    }

    @Test
    void anUnshareThatCannotMakeNamespacesIsReportedWithItsReason() throws Exception {
        Path unshare = fakeUnshare("echo 'unshare: unshare failed: Operation not permitted' >&2\nexit 1\n");

        TaskResult result = runWith(LocalRuntimeOptions.defaults().withUnshare(unshare), new RecordingListener());

        assertThat(result.phase()).isEqualTo(TaskPhase.ERROR);
        assertThat(result.message()).startsWith("cannot create a mount namespace: " + unshare + " failed")
                .contains("Operation not permitted");
    }

    @Test
    void aUserNamespaceMapsThisUserToRootForTheMounts() throws Exception {
        TaskResult result = runWith(LocalRuntimeOptions.defaults()
                .withUserNamespace(LocalRuntimeOptions.UserNamespace.ALWAYS), new RecordingListener());

        assertThat(result.phase()).as(result.message()).isEqualTo(TaskPhase.SUCCEEDED);
        assertThat(result.result()).isEqualTo("ran");
    }

    private Path fakeUnshare(String body) throws Exception {
        Path script = temp.resolve("unshare");
        Files.writeString(script, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }
}
