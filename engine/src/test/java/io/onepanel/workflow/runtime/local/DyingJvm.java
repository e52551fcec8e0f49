package io.onepanel.workflow.runtime.local;

import io.onepanel.workflow.runtime.TaskListener;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A JVM that starts a long task on the local runtime, says so on stdout and waits to be killed:
 * {@link LocalStopTest} kills it with SIGKILL, so that nothing of it can clean up.
 */
public final class DyingJvm {

    private DyingJvm() {}

    public static void main(String[] args) throws Exception {
        Path temp = Path.of(args[0]);
        LocalTaskRuntime runtime = new LocalTaskRuntime(temp.resolve("work"),
                new FakeArtifactStore(Files.createDirectories(temp.resolve("store"))));
        TaskListener listener = line -> {
            System.out.println(line);
            System.out.flush();
        };
        runtime.start(Tasks.request(Tasks.run("dying"), Tasks.container("orphan",
                Tasks.container("sh", "-c", "sleep 1000 & echo started; sleep 1000").build())), listener);
        Thread.sleep(Long.MAX_VALUE);
    }
}
