package io.onepanel.workflow.runtime.local;

import io.onepanel.workflow.artifact.ArtifactStore;
import io.onepanel.workflow.artifact.files.LinkFreePath;
import io.onepanel.workflow.artifact.files.OwnedDirectory;
import io.onepanel.workflow.runtime.RunInfo;
import io.onepanel.workflow.runtime.TaskExecution;
import io.onepanel.workflow.runtime.TaskListener;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.runtime.TaskRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The embedded default runtime: each container or script attempt runs as processes on this
 * machine, in private mount and PID namespaces made by util-linux {@code unshare}, with the
 * template's command, args, env and working directory. The image is not pulled.
 *
 * <p>Each attempt sees its own {@code /tmp} and its own directory or file at every path the
 * template declares (artifacts, output parameter files, {@code emptyDir} volumes), so parallel
 * tasks writing the same paths never see each other's files; claims are one directory per run,
 * shared by its tasks until {@link #finish}. See {@link MountPlanner} for the layout.
 *
 * <p>On disk, under the work root: {@code runs/<run>/volumes/<claim>} for the run-shared volumes
 * and {@code runs/<run>/attempts/<pod>-<attempt>-<n>} for one attempt's private files, removed when
 * the attempt is over. Each run's directory is an {@link OwnedDirectory} while the run lasts, so
 * what a run killed with SIGKILL left is found and removed later ({@link #removeLeftovers(Set)}).
 */
public final class LocalTaskRuntime implements TaskRuntime {

    private final Path workRoot;
    private final ArtifactStore store;
    private final LocalRuntimeOptions options;
    private final LocalImages images;
    private final Map<String, String> taskEnvironment;
    private final Namespaces namespaces;
    private final HostMountPoints hostMountPoints = new HostMountPoints();
    private final Set<String> announcedImages = ConcurrentHashMap.newKeySet();
    private final Set<String> runs = ConcurrentHashMap.newKeySet();
    private final Map<String, OwnedDirectory> owned = new ConcurrentHashMap<>();
    private final Set<LocalAttempt> active = ConcurrentHashMap.newKeySet();
    private final AtomicLong attempts = new AtomicLong();
    private final ExecutorService threads;
    private final StartQueue starts;
    private final ScheduledExecutorService timers;
    private volatile boolean closed;

    public LocalTaskRuntime(Path workRoot, ArtifactStore store) {
        this(workRoot, store, LocalRuntimeOptions.defaults());
    }

    /**
     * @param workRoot where attempts keep their private files and runs their shared volumes;
     *     created when needed
     * @param store fetches input artifacts and stores output artifacts
     */
    public LocalTaskRuntime(Path workRoot, ArtifactStore store, LocalRuntimeOptions options) {
        this(workRoot, store, options, LocalImages.NONE);
    }

    /**
     * @param images what stands for the entrypoint of images whose containers give no command
     */
    public LocalTaskRuntime(Path workRoot, ArtifactStore store, LocalRuntimeOptions options, LocalImages images) {
        this.images = Objects.requireNonNull(images, "images");
        // Task files are read with no link on their path (LinkFreePath): none of ours either.
        this.workRoot = LinkFreePath.resolvedOnce(workRoot);
        this.store = Objects.requireNonNull(store, "store");
        this.options = Objects.requireNonNull(options, "options");
        this.taskEnvironment = TaskEnvironment.from(options.environment());
        this.namespaces = new Namespaces(options, this.workRoot);
        this.threads = Executors.newCachedThreadPool(daemonThreads("onepanel-local"));
        this.starts = new StartQueue(options.startingLimit(), threads);
        ScheduledThreadPoolExecutor scheduler =
                new ScheduledThreadPoolExecutor(1, daemonThreads("onepanel-local-timer"));
        scheduler.setRemoveOnCancelPolicy(true);
        this.timers = scheduler;
    }

    @Override
    public TaskExecution start(TaskRequest request, TaskListener listener) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener");
        if (closed) {
            return new Finished(TaskResult.error("the local runtime is closed"));
        }
        String run = runKey(request.run());
        if (runs.add(run)) {
            claim(run);
        }
        LocalAttempt attempt = new LocalAttempt(this, request, listener);
        active.add(attempt);
        attempt.result().whenComplete((result, failure) -> active.remove(attempt));
        attempt.startDeadline();
        starts.submit(attempt);
        return attempt;
    }

    /** Deletes the run's shared volumes and the mount points it alone still used. */
    @Override
    public void finish(RunInfo run, boolean succeeded) {
        String key = runKey(run);
        runs.remove(key);
        release(key);
    }

    /** Cancels every running attempt, waits until they are gone and releases every run. */
    @Override
    public void close() {
        closed = true;
        List<LocalAttempt> running = List.copyOf(active);
        running.forEach(attempt -> attempt.cancel("the local runtime is closing"));
        for (LocalAttempt attempt : running) {
            try {
                attempt.result().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException e) {
                // An attempt always completes normally; nothing to wait for.
            }
        }
        for (String key : List.copyOf(runs)) {
            runs.remove(key);
            release(key);
        }
        hostMountPoints.releaseAll();
        threads.shutdownNow();
        timers.shutdownNow();
    }

    private void claim(String key) {
        try {
            owned.put(key, OwnedDirectory.claim(workRoot.resolve("runs").resolve(key)));
        } catch (IOException e) {
            // The attempt fails on its own directory with the reason; nothing to own then.
        }
    }

    private void release(String key) {
        Path runDirectory = workRoot.resolve("runs").resolve(key);
        try {
            if (Files.exists(runDirectory) && !MountTable.anyAtOrBelow(runDirectory)) {
                FileTree.delete(runDirectory);
            }
        } catch (IOException e) {
            // Best effort; a later run removes it once its lock is free (removeLeftovers).
        }
        OwnedDirectory ownership = owned.remove(key);
        if (ownership != null) {
            ownership.close();
        }
        hostMountPoints.release(key);
    }

    /**
     * Removes the directories of runs whose process died without cleaning up (a SIGKILL, a power
     * cut): those under {@code runs/} whose lock no living process holds and below which nothing is
     * mounted. Runs of this and other living processes are left alone, and so are the runs
     * {@code resumable} names (by uid): a resumed run finds its shared volumes as its earlier tasks
     * left them.
     */
    public OwnedDirectory.Removed removeLeftovers(Set<String> resumable) {
        Set<String> kept = new java.util.HashSet<>();
        resumable.forEach(uid -> kept.add(safeName(uid)));
        return OwnedDirectory.removeAbandoned(workRoot.resolve("runs"), directory -> {
            if (kept.contains(directory.getFileName().toString())) {
                return false;
            }
            try {
                return !MountTable.anyAtOrBelow(directory);
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Where runs keep their files: for messages. */
    public Path workRoot() {
        return workRoot;
    }

    // What attempts use.

    ArtifactStore store() {
        return store;
    }

    LocalRuntimeOptions options() {
        return options;
    }

    LocalImages images() {
        return images;
    }

    /** What every task's environment starts from: the few variables {@link TaskEnvironment} passes. */
    Map<String, String> taskEnvironment() {
        return taskEnvironment;
    }

    Namespaces namespaces() {
        return namespaces;
    }

    HostMountPoints hostMountPoints() {
        return hostMountPoints;
    }

    /** The attempts that are starting ({@link LocalRuntimeOptions#startingLimit()} at most) and those waiting to. */
    StartQueue starts() {
        return starts;
    }

    ExecutorService threads() {
        return threads;
    }

    ScheduledExecutorService timers() {
        return timers;
    }

    /** Says once per image and runtime that images are not used here. */
    void announceImage(String image, Consumer<String> status) {
        String name = image == null || image.isBlank() ? "(none)" : image;
        if (announcedImages.add(name)) {
            status.accept("image " + name + " is not pulled: the local runtime runs the command on this machine");
        }
    }

    /** A new, empty directory for one attempt's private files. */
    Path newAttemptDirectory(TaskRequest request) throws IOException {
        String name = safeName(request.podName() == null ? request.taskName() : request.podName()) + "-"
                + request.attempt() + "-" + attempts.incrementAndGet();
        Path directory = workRoot.resolve("runs").resolve(runKey(request.run())).resolve("attempts").resolve(name);
        Files.createDirectories(directory);
        return directory;
    }

    /** The run's directory for a shared volume, created on first use. */
    Path sharedVolume(RunInfo run, String key) throws IOException {
        Path directory = workRoot.resolve("runs").resolve(runKey(run)).resolve("volumes").resolve(safeName(key));
        Files.createDirectories(directory);
        return directory;
    }

    static String runKey(RunInfo run) {
        if (run == null) {
            return "run";
        }
        return safeName(run.uid() != null && !run.uid().isBlank() ? run.uid() : run.workflowName());
    }

    /** A file name made of the characters of {@code text} that are safe in one. */
    static String safeName(String text) {
        String safe = text == null ? "" : text.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.isEmpty() || safe.equals(".") || safe.equals("..")) {
            return "_" + safe;
        }
        return safe.length() > 100 ? safe.substring(0, 100) + "-" + Integer.toHexString(text.hashCode()) : safe;
    }

    Map<String, String> artifactVariables(TaskRequest request) {
        Map<String, String> variables = new HashMap<>();
        RunInfo run = request.run();
        if (run != null) {
            putIfPresent(variables, "workflow.name", run.workflowName());
            putIfPresent(variables, "workflow.uid", run.uid());
            putIfPresent(variables, "workflow.namespace", run.namespace());
            if (run.creationTimestamp() != null) {
                variables.put("workflow.creationTimestamp", run.creationTimestamp().toString());
            }
        }
        putIfPresent(variables, "pod.name", request.podName());
        return variables;
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicLong count = new AtomicLong();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** An attempt that never started. */
    private record Finished(TaskResult outcome) implements TaskExecution {
        @Override
        public CompletableFuture<TaskResult> result() {
            return CompletableFuture.completedFuture(outcome);
        }

        @Override
        public void cancel(String reason) {}
    }
}
