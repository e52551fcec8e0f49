package io.onepanel.workflow.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.runtime.TaskPhase;
import io.onepanel.workflow.runtime.TaskResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A task keeps its user id but no capability: as root (or as the root of a user namespace) it can
 * neither unmount its private {@code /proc} and {@code /tmp} to see what they cover (this JVM's
 * process and environment, the machine's {@code /tmp}) nor mount anything.
 */
@NeedsNamespaces
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CapabilitiesTest {

    @TempDir
    Path temp;

    @ParameterizedTest
    @EnumSource(value = LocalRuntimeOptions.UserNamespace.class, names = {"WHEN_NOT_ROOT", "ALWAYS"})
    void aTaskCannotUndoItsMountsNorSeeTheEngine(LocalRuntimeOptions.UserNamespace userNamespace) throws Exception {
        Path hostOnly = Files.writeString(temp.resolve("host-only.txt"), "the machine's /tmp");
        long engine = ProcessHandle.current().pid();
        String script = "umount -l /proc 2>/dev/null; echo umount-proc=$?;"
                + " umount -l /tmp 2>/dev/null; echo umount-tmp=$?;"
                + " mount -t tmpfs none /mnt 2>/dev/null; echo mount=$?;"
                + " [ -e /proc/" + engine + "/environ ] && echo engine-visible || echo engine-hidden;"
                + " [ -e " + hostOnly + " ] && echo host-tmp-visible || echo host-tmp-hidden;"
                + " grep -E '^Cap(Eff|Prm|Bnd|Amb)' /proc/self/status; echo uid=$(id -u)";
        TaskResult result;
        try (LocalTaskRuntime runtime = new LocalTaskRuntime(temp.resolve("work"),
                new FakeArtifactStore(Files.createDirectories(temp.resolve("store"))),
                LocalRuntimeOptions.defaults().withUserNamespace(userNamespace))) {
            result = runtime.start(Tasks.request(Tasks.run("caps"),
                    Tasks.container("t", Tasks.container("sh", "-c", script).build())), new RecordingListener())
                    .result().get();
        }

        assertThat(result.phase()).as(result.message()).isEqualTo(TaskPhase.SUCCEEDED);
        assertThat(result.result()).doesNotContain("umount-proc=0", "umount-tmp=0", "mount=0")
                .contains("engine-hidden", "host-tmp-hidden")
                .contains("CapEff:\t0000000000000000", "CapPrm:\t0000000000000000",
                        "CapBnd:\t0000000000000000", "CapAmb:\t0000000000000000");
        String uid = new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip();
        assertThat(result.result()).contains("uid=" + (userNamespace == LocalRuntimeOptions.UserNamespace.ALWAYS
                ? "0" : uid));
    }
}
