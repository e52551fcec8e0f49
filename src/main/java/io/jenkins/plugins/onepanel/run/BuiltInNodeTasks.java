package io.jenkins.plugins.onepanel.run;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Proc;
import hudson.util.DaemonThreadFactory;
import hudson.util.NamingThreadFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.onepanel.workflow.runtime.TaskExecution;
import io.onepanel.workflow.runtime.TaskListener;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.runtime.TaskRuntime;
import io.onepanel.workflow.template.Parameter;
import io.onepanel.workflow.template.Template;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import jenkins.util.SystemProperties;
import org.apache.commons.io.output.TeeOutputStream;

/**
 * A test switch: runs each task's command as a plain process on the node the build runs on (the
 * built-in node in Pipeline, whose driver then uses {@code node('built-in')} instead of
 * {@code podTemplate}), so the DAG's order, parameters and results can be tested without a
 * cluster. Set the system property {@code io.jenkins.plugins.onepanel.run.BuiltInNodeTasks.enabled=true}.
 *
 * <p>It is not a runtime for real work: images are not pulled (the command must exist on the node),
 * tasks are not isolated from each other, artifacts are refused (optional output artifacts, such as
 * Onepanel's {@code sys-metrics}, are left absent), and output parameters are read
 * from the paths as written, on the node's file system.
 */
public final class BuiltInNodeTasks {

    private static final String PROPERTY = BuiltInNodeTasks.class.getName() + ".enabled";

    /** Argo keeps at most this much of stdout as {@code outputs.result}. */
    private static final int MAX_RESULT_BYTES = 256 * 1024;

    private BuiltInNodeTasks() {}

    public static boolean enabled() {
        return SystemProperties.getBoolean(PROPERTY);
    }

    /**
     * Runs one attempt where {@code launcher} runs, in a directory of its own under {@code workspace};
     * the command's output goes to {@code log}. Interrupting the calling thread kills the process.
     */
    @NonNull
    public static TaskResult run(
            @NonNull TaskRequest request,
            @NonNull Launcher launcher,
            @NonNull FilePath workspace,
            @NonNull OutputStream log)
            throws IOException, InterruptedException {
        Template template = request.template();
        Container container = template.mainContainer();
        if (container == null) {
            return TaskResult.error("template '" + template.name() + "' has no container to run");
        }
        // Optional outputs (Onepanel's injected sys-metrics among them) may be absent in Argo too, so
        // they are simply not stored here; anything a task needs moved is refused.
        boolean inputArtifacts =
                template.inputs() != null && !template.inputs().artifacts().isEmpty();
        boolean requiredOutputs = template.outputs() != null
                && template.outputs().artifacts().stream().anyMatch(a -> !a.optional());
        if (inputArtifacts || requiredOutputs) {
            return TaskResult.error("template '" + template.name() + "' moves artifacts, which tasks on the built-in"
                    + " node (a test switch) do not do; run it in pods");
        }
        FilePath dir = workspace.child("onepanel").child(request.podName());
        dir.mkdirs();
        List<String> command = new ArrayList<>(container.getCommand());
        if (template.script() != null) {
            FilePath source = dir.child("script");
            source.write(template.script().source(), StandardCharsets.UTF_8.name());
            command.add(source.getRemote());
        } else {
            command.addAll(container.getArgs());
        }
        if (command.isEmpty()) {
            return TaskResult.error("template '" + template.name() + "' relies on its image's entrypoint, which is"
                    + " unknown on the built-in node; give it a command");
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar var : container.getEnv()) {
            if (var.getValue() != null) {
                env.put(var.getName(), var.getValue());
            }
        }
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        OutputStream captured = new BoundedOutputStream(stdout, MAX_RESULT_BYTES);
        Proc proc = launcher.launch()
                .cmds(command)
                .envs(env)
                .pwd(dir)
                .stdout(new TeeOutputStream(log, captured))
                .stderr(log)
                .start();
        int exit;
        try {
            exit = proc.join();
        } catch (InterruptedException e) {
            proc.kill();
            throw e;
        }
        log.flush();
        if (exit != 0) {
            return TaskResult.failed(exit, "exit code " + exit);
        }
        String result = stdout.toString(StandardCharsets.UTF_8).stripTrailing();
        Map<String, String> outputs = new LinkedHashMap<>();
        List<Parameter> declared =
                template.outputs() == null ? List.of() : template.outputs().parameters();
        for (Parameter p : declared) {
            if (p.valueFrom() == null || p.valueFrom().path() == null) {
                continue;
            }
            FilePath file = new FilePath(workspace.getChannel(), p.valueFrom().path());
            if (file.exists()) {
                outputs.put(p.name(), file.readToString().strip());
            } else if (p.valueFrom().defaultValue() != null) {
                outputs.put(p.name(), p.valueFrom().defaultValue());
            } else {
                return TaskResult.error(
                        "output parameter '" + p.name() + "': " + p.valueFrom().path() + " does not exist");
            }
        }
        return TaskResult.succeeded(result, outputs, List.of());
    }

    /** The same, as the engine's runtime, for freestyle builds: one thread per running attempt. */
    @NonNull
    public static TaskRuntime runtime(@NonNull Launcher launcher, @NonNull FilePath workspace) {
        return new Runtime(launcher, workspace);
    }

    private static final class Runtime implements TaskRuntime {
        private final Launcher launcher;
        private final FilePath workspace;
        private final ExecutorService threads = Executors.newCachedThreadPool(
                new NamingThreadFactory(new DaemonThreadFactory(), "Onepanel built-in node task"));

        Runtime(Launcher launcher, FilePath workspace) {
            this.launcher = launcher;
            this.workspace = workspace;
        }

        @Override
        public TaskExecution start(TaskRequest request, TaskListener listener) {
            CompletableFuture<TaskResult> result = new CompletableFuture<>();
            AtomicBoolean started = new AtomicBoolean();
            Future<?> running = threads.submit(() -> {
                if (!started.compareAndSet(false, true)) {
                    return; // cancelled before it began
                }
                try (OutputStream log = new TaskLogStream(listener::log)) {
                    result.complete(run(request, launcher, workspace, log));
                } catch (InterruptedException e) {
                    result.complete(TaskResult.failed(null, "cancelled"));
                } catch (IOException | RuntimeException e) {
                    result.complete(TaskResult.error(e.toString()));
                }
            });
            return new TaskExecution() {
                @Override
                public CompletableFuture<TaskResult> result() {
                    return result;
                }

                @Override
                public void cancel(String reason) {
                    if (started.compareAndSet(false, true)) {
                        result.complete(TaskResult.failed(null, "cancelled: " + reason));
                    } else {
                        running.cancel(true); // the thread kills the process, then completes the result
                    }
                }
            };
        }

        @Override
        public void close() {
            threads.shutdownNow();
        }
    }

    /** Keeps the first {@code limit} bytes and drops the rest, as Argo caps {@code outputs.result}. */
    private static final class BoundedOutputStream extends OutputStream {
        private final OutputStream out;
        private long left;

        BoundedOutputStream(OutputStream out, long limit) {
            this.out = out;
            this.left = limit;
        }

        @Override
        public void write(int b) throws IOException {
            if (left > 0) {
                out.write(b);
                left--;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int n = (int) Math.min(len, left);
            if (n > 0) {
                out.write(b, off, n);
                left -= n;
            }
        }
    }
}
