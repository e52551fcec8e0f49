package io.onepanel.workflow.runtime.local;

import io.fabric8.kubernetes.api.model.Container;
import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.ArtifactStore;
import io.onepanel.workflow.runtime.TaskExecution;
import io.onepanel.workflow.runtime.TaskListener;
import io.onepanel.workflow.runtime.TaskPhase;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.runtime.local.TaskPaths.ArtifactPath;
import io.onepanel.workflow.runtime.local.TaskPaths.ParameterPath;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.TemplateType;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One attempt on the local runtime, from start to clean-up: input artifacts are fetched, the
 * attempt's file system view is planned, the command runs in its namespaces with its output
 * streamed line by line, then (as Argo's wait container does, also after a failure) the result,
 * output parameters and output artifacts are collected, and the attempt's files are removed. The
 * result completes only after that, and after every process of the attempt is gone.
 */
final class LocalAttempt implements TaskExecution {

    /** Output parameter files larger than this are an error rather than a value. */
    static final int PARAMETER_LIMIT = 1024 * 1024;

    /** The exit code Kubernetes reports for a container killed with SIGKILL. */
    static final int KILLED = 128 + 9;

    /** Why the attempt was stopped from outside; the first reason wins. */
    private record Stop(String message, boolean collectOutputs) {}

    private final LocalTaskRuntime runtime;
    private final TaskRequest request;
    private final TaskListener listener;
    private final CompletableFuture<TaskResult> result = new CompletableFuture<>();
    private final AtomicReference<Stop> stop = new AtomicReference<>();
    private Process process;
    private List<ProcessHandle> killed = List.of();
    private volatile ScheduledFuture<?> deadline;
    /** The attempt's thread while it moves artifacts: a stop interrupts it, which the stores take as cancel. */
    private volatile Thread transferring;

    LocalAttempt(LocalTaskRuntime runtime, TaskRequest request, TaskListener listener) {
        this.runtime = runtime;
        this.request = request;
        this.listener = listener;
    }

    @Override
    public CompletableFuture<TaskResult> result() {
        return result.copy();
    }

    @Override
    public void cancel(String reason) {
        stop(new Stop("cancelled: " + reason, false));
    }

    private void stop(Stop why) {
        if (result.isDone() || !stop.compareAndSet(null, why)) {
            return;
        }
        runtime.starts().hurry(this);
        killTree();
        Thread transfer = transferring;
        if (transfer != null) {
            transfer.interrupt();
        }
    }

    /**
     * Kills the namespace's first process: the kernel then kills and reaps every other process in
     * the namespace, and {@code unshare} exits once it has reaped the first. Killing {@code unshare}
     * itself is the fallback, for when it has not forked yet or does not exit.
     */
    private synchronized void killTree() {
        if (process == null || !process.isAlive()) {
            return;
        }
        killed = process.descendants().toList();
        List<ProcessHandle> children = process.children().toList();
        if (children.isEmpty()) {
            process.destroyForcibly();
        } else {
            children.forEach(ProcessHandle::destroyForcibly);
            Process unshare = process;
            runtime.timers().schedule(() -> {
                if (unshare.isAlive()) {
                    unshare.destroyForcibly();
                }
            }, 10, TimeUnit.SECONDS);
        }
    }

    /**
     * Runs the attempt on this thread, from its place among the starting attempts ({@code permit},
     * given back once its command runs) to its result.
     */
    void run(StartPermit permit) {
        Path attemptDir = null;
        TaskResult outcome;
        try {
            if (stop.get() != null) {
                outcome = TaskResult.failed(null, stop.get().message()); // stopped while it waited to start
            } else {
                attemptDir = runtime.newAttemptDirectory(request);
                outcome = execute(attemptDir, permit);
            }
        } catch (LocalRuntimeException e) {
            outcome = TaskResult.error(e.getMessage());
        } catch (IOException e) {
            outcome = TaskResult.error("the local runtime failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = TaskResult.error("the local runtime was interrupted");
        } catch (RuntimeException e) {
            outcome = TaskResult.error("the local runtime failed: " + e);
        } finally {
            permit.release();
            if (deadline != null) {
                deadline.cancel(false);
            }
        }
        Stop why = stop.get();
        if (why != null && outcome.phase() != TaskPhase.FAILED) {
            outcome = TaskResult.failed(outcome.exitCode(), why.message());
        }
        transferring = null;
        Thread.interrupted(); // a stop's interrupt is spent here, not on the pool's next attempt
        removeWorkFiles(attemptDir);
        result.complete(outcome);
    }

    /** Starts the attempt's deadline, if it has one: from when it is asked for, waiting to start included. */
    void startDeadline() {
        Duration timeout = request.timeout();
        if (timeout != null) {
            deadline = runtime.timers().schedule(() -> stop(new Stop("deadline exceeded", true)),
                    Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
        }
    }

    private TaskResult execute(Path attemptDir, StartPermit permit) throws LocalRuntimeException, IOException, InterruptedException {
        Template template = request.template();
        if (template == null || !template.type().runsPod() || template.mainContainer() == null) {
            throw new LocalRuntimeException("the local runtime runs container and script templates; template '"
                    + (template == null ? null : template.name()) + "' is "
                    + (template == null ? "missing" : "of type " + template.type().key()));
        }
        Container container = template.mainContainer();
        // As in Argo, a script's path is appended to the command only when there is a source.
        boolean script = template.type() == TemplateType.SCRIPT && template.script().source() != null
                && !template.script().source().isEmpty();
        LocalRuntimeOptions options = runtime.options();
        TaskPaths paths = TaskPaths.of(template, request.workflow(), options.defaultWorkingDir());
        ContainerCommand command = ContainerCommand.of(container, script ? SetupScript.SCRIPT_PATH : null,
                runtime.taskEnvironment(), request.podName(), request.run() == null ? null : request.run().namespace(),
                runtime.images());
        Namespaces.Ready namespaces = runtime.namespaces().ready();
        runtime.announceImage(container.getImage(), this::status);
        command.warnings().forEach(this::status);
        if (!template.sidecars().isEmpty() || !template.initContainers().isEmpty()) {
            status("sidecars and init containers are not run by the local runtime");
        }

        Map<String, Path> staged;
        transferring = Thread.currentThread();
        try {
            if (stop.get() != null) {
                return TaskResult.failed(null, stop.get().message());
            }
            staged = stageInputs(paths, attemptDir);
        } finally {
            transferring = null;
        }
        if (stop.get() != null) {
            return TaskResult.failed(null, stop.get().message());
        }
        MountPlan plan;
        HostMountPoints hostMountPoints = runtime.hostMountPoints();
        synchronized (hostMountPoints.lock()) {
            plan = new MountPlanner(attemptDir, hostMountPoints, LocalTaskRuntime.runKey(request.run()),
                    key -> runtime.sharedVolume(request.run(), key), this::status, namespaces.overlays(),
                    List.of(options.defaultWorkingDir()))
                    .plan(paths, staged);
        }
        if (script) {
            String source = template.script().source();
            Files.writeString(attemptDir.resolve(SetupScript.SCRIPT_FILE), source == null ? "" : source);
        }
        String setup = SetupScript.write(attemptDir, plan, namespaces.mount(), script, paths.workingDir(),
                paths.workingDirDeclared(), namespaces.dropPrivileges());

        List<String> commandLine = new ArrayList<>(namespaces.prefix());
        commandLine.add(setup);
        commandLine.add("onepanel-setup");
        commandLine.addAll(command.argv());
        ProcessBuilder builder = new ProcessBuilder(commandLine).redirectInput(ProcessBuilder.Redirect.from(
                new File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(command.environment());

        ResultTail tail = new ResultTail(options.resultLimitBytes());
        int exitCode;
        ProgressFileWatch progress = null;
        try {
            Process started;
            synchronized (this) {
                if (stop.get() != null) {
                    return TaskResult.failed(null, stop.get().message());
                }
                try {
                    started = builder.start();
                } catch (IOException e) {
                    if (CommandLineLimit.isTooLong(e)) {
                        throw new LocalRuntimeException(CommandLineLimit.explain(request.taskName(), commandLine,
                                command.environment()), e);
                    }
                    throw e;
                }
                process = started;
            }
            progress = ProgressFileWatch.start(plan, command.environment(), listener, runtime.timers());
            Future<?> stderr = runtime.threads().submit(new LinePump(started.getErrorStream(), line -> {
                if (!permit.released() && line.equals(SetupScript.STARTED)) {
                    permit.release();
                } else {
                    stderrLine(line);
                }
            }, null));
            // This thread drains stdout itself: one thread less per running task.
            new LinePump(started.getInputStream(), listener::log, tail).run();
            exitCode = started.waitFor();
            await(stderr);
        } finally {
            permit.release();
            if (progress != null) {
                progress.stop(); // after a last read
            }
        }
        awaitKilled();

        Stop why = stop.get();
        if (why != null) {
            exitCode = KILLED; // what unshare returns after our kill says nothing about the task
        }
        if (why != null && !why.collectOutputs()) {
            return TaskResult.failed(exitCode, why.message());
        }
        String status = readStatus(attemptDir);
        if (why == null && status.startsWith("E ")) {
            throw new LocalRuntimeException(status.substring(2));
        }
        if (why == null && status.startsWith("N ")) {
            throw new LocalRuntimeException("command '" + status.substring(2) + "' not found on this machine;"
                    + " the local runtime runs commands here, not in the image " + container.getImage());
        }
        transferring = Thread.currentThread();
        try {
            return collectOutputs(paths, plan, tail, exitCode, why);
        } finally {
            transferring = null;
        }
    }

    private Map<String, Path> stageInputs(TaskPaths paths, Path attemptDir) throws LocalRuntimeException, IOException {
        Map<String, Path> staged = new LinkedHashMap<>();
        ArtifactStore store = runtime.store();
        int count = 0;
        for (ArtifactPath input : paths.inputs()) {
            if (stop.get() != null) {
                break;
            }
            Artifact artifact = input.artifact();
            String what = "input artifact '" + artifact.name() + "'";
            if (!artifact.hasLocation()) {
                if (artifact.optional()) {
                    status(what + " was not supplied; it is optional");
                    continue;
                }
                throw new LocalRuntimeException(what + " was not supplied: it has no location");
            }
            Path target = attemptDir.resolve("inputs").resolve(Integer.toString(count++));
            Files.createDirectories(target.getParent());
            status("fetching " + what + " to " + input.path());
            try {
                store.fetch(artifact, target, listener::transfer);
            } catch (ArtifactException e) {
                throw new LocalRuntimeException(what + ": " + e.getMessage(), e);
            }
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                if (artifact.mode() != null) {
                    Files.setPosixFilePermissions(target, permissions(artifact.mode()));
                }
                staged.put(artifact.name(), target);
            } else if (!artifact.optional()) {
                throw new LocalRuntimeException(what + ": not found in the artifact store");
            }
        }
        return staged;
    }

    private TaskResult collectOutputs(TaskPaths paths, MountPlan plan, ResultTail tail, int exitCode, Stop why) {
        List<String> errors = new ArrayList<>();
        String stdout = tail.result();
        if (tail.truncated()) {
            status("result truncated: stdout had " + tail.totalBytes() + " bytes; outputs.result keeps the last "
                    + runtime.options().resultLimitBytes() + ", as Argo does");
        }

        OutputFiles files = new OutputFiles(plan);
        Map<String, String> parameters = new LinkedHashMap<>();
        for (ParameterPath parameter : paths.parameters()) {
            String what = "output parameter '" + parameter.parameter().name() + "'";
            try {
                String value = files.readParameter(parameter.path(), PARAMETER_LIMIT);
                if (value == null) {
                    value = parameter.parameter().valueFrom().defaultValue();
                }
                if (value == null) {
                    errors.add(what + ": " + parameter.path() + " not found");
                } else {
                    parameters.put(parameter.parameter().name(), trimOneNewline(value));
                }
            } catch (LocalRuntimeException e) {
                errors.add(what + ": " + e.getMessage());
            }
        }

        List<Artifact> artifacts = new ArrayList<>();
        for (ArtifactPath output : paths.outputs()) {
            Artifact artifact = output.artifact();
            String what = "output artifact '" + artifact.name() + "'";
            Path host;
            try {
                host = files.locate(output.path());
            } catch (LocalRuntimeException e) {
                errors.add(what + ": " + e.getMessage());
                continue;
            }
            if (host == null) {
                // An absent optional output is the normal case (Onepanel adds the optional sys-metrics
                // output to every task), so it is not worth a line in every task's log.
                if (!artifact.optional()) {
                    errors.add(what + ": " + output.path() + " not found");
                }
                continue;
            }
            try {
                Artifact located = artifact.hasLocation() ? artifact
                        : runtime.store().locate(artifact, runtime.artifactVariables(request));
                status("storing " + what + " from " + output.path());
                Artifact stored = runtime.store().store(located, host, listener::transfer);
                if (stored != null) {
                    artifacts.add(stored);
                }
            } catch (ArtifactException e) {
                errors.add(what + ": " + OutputFiles.asTaskSees(e.getMessage(), host, output.path()));
            }
        }

        TaskPhase phase;
        List<String> message = new ArrayList<>();
        if (why != null) {
            phase = TaskPhase.FAILED;
            message.add(why.message());
        } else if (exitCode != 0) {
            phase = TaskPhase.FAILED;
            message.add("exit code " + exitCode);
        } else {
            phase = errors.isEmpty() ? TaskPhase.SUCCEEDED : TaskPhase.ERROR;
        }
        message.addAll(errors);
        return new TaskResult(phase, exitCode, message.isEmpty() ? null : String.join("; ", message), stdout,
                parameters, artifacts);
    }

    /** Argo's executor trims a single trailing newline from output parameters (SaveParameters). */
    static String trimOneNewline(String value) {
        return value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
    }

    private void stderrLine(String line) {
        // unshare reports the death of its child by our SIGKILL; that is ours, not the task's output.
        if (stop.get() != null && line.startsWith("unshare: ")) {
            return;
        }
        listener.log(line);
    }

    private void status(String message) {
        try {
            listener.status(message);
        } catch (RuntimeException e) {
            // A listener's failure must not fail the attempt.
        }
    }

    private static void await(Future<?> pump) throws InterruptedException {
        try {
            pump.get();
        } catch (ExecutionException e) {
            // A pump does not throw; whatever it read has been passed on.
        }
    }

    /** After a kill: waits until every process seen before it has exited. */
    private void awaitKilled() throws InterruptedException {
        List<ProcessHandle> processes;
        synchronized (this) {
            processes = killed;
        }
        for (ProcessHandle handle : processes) {
            try {
                handle.onExit().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // onExit does not fail.
            } catch (TimeoutException e) {
                status("process " + handle.pid() + " of this attempt has not exited 30 s after it was killed");
            }
        }
    }

    private static String readStatus(Path attemptDir) throws IOException {
        Path file = attemptDir.resolve(SetupScript.STATUS_FILE);
        if (!Files.exists(file)) {
            return "";
        }
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8).strip();
        }
    }

    private void removeWorkFiles(Path attemptDir) {
        if (attemptDir == null) {
            return;
        }
        try {
            if (MountTable.anyAtOrBelow(attemptDir)) {
                status("left " + attemptDir + " in place: something is mounted below it");
                return;
            }
            FileTree.delete(attemptDir);
        } catch (IOException e) {
            status("could not remove the attempt's files in " + attemptDir + ": " + e.getMessage());
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ
        };
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                permissions.add(bits[i]);
            }
        }
        return permissions;
    }
}
