package io.onepanel.workflow.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import io.onepanel.workflow.pod.PodContract;
import io.onepanel.workflow.pod.StagerReport;
import io.onepanel.workflow.runtime.TaskExecution;
import io.onepanel.workflow.runtime.TaskListener;
import io.onepanel.workflow.runtime.TaskPhase;
import io.onepanel.workflow.runtime.TaskResult;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One attempt's pod, from creation to deletion. Driven by the runtime's pod informer
 * ({@link #onPod}), by timers and by {@link #cancel}; ends exactly once.
 */
final class PodExecution implements TaskExecution {

    /** How long the log stream may lag behind the container's end before it is cut. */
    private static final Duration LOG_DRAIN = Duration.ofSeconds(10);

    private final KubernetesTaskRuntime runtime;
    private final TaskListener listener;
    final String namespace;
    final String podName;
    final String runUid;
    private final CompletableFuture<TaskResult> result = new CompletableFuture<>();

    /** Completes when the create call has returned (true: the pod exists) or failed (false). */
    final CompletableFuture<Boolean> created = new CompletableFuture<>();
    /** Completes when the informer sees the pod gone (after its containers were stopped). */
    private final CompletableFuture<Void> gone = new CompletableFuture<>();
    /** How long deletion may take before the result completes anyway (the grace period is 30 s). */
    private static final Duration DELETION_WAIT = Duration.ofSeconds(90);

    private boolean ending;
    private boolean logStarted;
    private volatile LogWatch logWatch;
    private CompletableFuture<Void> logDone = CompletableFuture.completedFuture(null);
    private ScheduledFuture<?> timeout;
    private ScheduledFuture<?> stagerGrace;
    private ScheduledFuture<?> startTimer;
    private boolean podStarted;
    /** The pod as last seen, for the reason it did not start. */
    private Pod lastPod;
    private String lastStatus;
    private String unschedulable;

    PodExecution(KubernetesTaskRuntime runtime, TaskListener listener, String namespace, String podName,
            String runUid) {
        this.runtime = runtime;
        this.listener = listener;
        this.namespace = namespace;
        this.podName = podName;
        this.runUid = runUid;
    }

    @Override
    public CompletableFuture<TaskResult> result() {
        return result;
    }

    @Override
    public void cancel(String reason) {
        end(CompletableFuture.completedFuture(TaskResult.failed(null, "cancelled: " + reason)), true);
    }

    /** Ends before any pod was asked for (bad input, runtime closed). */
    void failBeforeCreate(TaskResult outcome) {
        created.complete(false);
        end(CompletableFuture.completedFuture(outcome), false);
    }

    synchronized void startTimeout(Duration limit) {
        if (limit != null && !ending) {
            timeout = runtime.schedule(() -> end(CompletableFuture.completedFuture(TaskResult.failed(null,
                    "timed out after " + human(limit) + (unschedulable == null ? ""
                            : " while waiting for a node: " + unschedulable))), true), limit);
        }
    }

    /**
     * The pod exists: it has the runtime's pod start timeout to start a container (be scheduled,
     * mount its volumes, pull its images), else the attempt ends as an Error saying why.
     */
    synchronized void awaitStart() {
        Duration limit = runtime.config().podStartTimeout();
        if (limit != null && !ending && !podStarted && startTimer == null) {
            startTimer = runtime.schedule(() -> didNotStart(limit), limit);
        }
    }

    private void didNotStart(Duration limit) {
        Pod seen;
        synchronized (this) {
            if (ending || podStarted) {
                return;
            }
            seen = lastPod;
        }
        end(runtime.warningEvents(namespace, podName).handle((events, error) -> TaskResult.error(
                PodOutcomes.notStarted(seen, human(limit), events == null ? List.of() : events,
                        error == null ? null : runtime.describe(error, "reading the pod's events")))), true);
    }

    /** Every state the informer sees of this attempt's pod. */
    synchronized void onPod(Pod pod) {
        if (ending || pod.getStatus() == null) {
            return;
        }
        lastPod = pod;
        if (!podStarted && PodOutcomes.anyContainerStarted(pod)) {
            podStarted = true;
            if (startTimer != null) {
                startTimer.cancel(false);
            }
        }
        Optional<String> unsched = PodOutcomes.unschedulable(pod);
        if (unsched.isPresent()) {
            unschedulable = unsched.get();
            status("waiting for a node (Unschedulable): " + unschedulable);
            return;
        }
        unschedulable = null;

        for (PodOutcomes.Stuck stuck : PodOutcomes.waiting(pod)) {
            String what = "container '" + stuck.container() + "'";
            String detail = stuck.message() == null ? "" : ": " + stuck.message();
            if (PodOutcomes.IMAGE_PULL_FAILURES.contains(stuck.reason()) && runtime.config().failOnImagePullBackOff()) {
                end(CompletableFuture.completedFuture(TaskResult.error(what + ": image '" + stuck.image()
                        + "' could not be pulled (" + stuck.reason() + ")" + detail)), true);
                return;
            }
            if (PodOutcomes.CREATE_FAILURES.contains(stuck.reason())) {
                end(CompletableFuture.completedFuture(TaskResult.error(what + " could not be created ("
                        + stuck.reason() + ")" + detail)), true);
                return;
            }
            if ("ErrImagePull".equals(stuck.reason()) || PodOutcomes.IMAGE_PULL_FAILURES.contains(stuck.reason())) {
                status(what + ": pulling image '" + stuck.image() + "' failed (" + stuck.reason() + ")" + detail);
            }
        }

        String phase = pod.getStatus().getPhase();
        String reason = pod.getStatus().getReason();
        if ("Failed".equals(phase) && "Evicted".equals(reason)) {
            end(CompletableFuture.completedFuture(TaskResult.error("the pod was evicted: "
                    + pod.getStatus().getMessage())), true);
            return;
        }
        if ("Failed".equals(phase) && "DeadlineExceeded".equals(reason)) {
            end(CompletableFuture.completedFuture(TaskResult.failed(null, "the task ran longer than its deadline "
                    + "(activeDeadlineSeconds " + pod.getSpec().getActiveDeadlineSeconds() + "): "
                    + pod.getStatus().getMessage())), true);
            return;
        }
        Optional<String> init = PodOutcomes.failedInit(pod);
        if (init.isPresent()) {
            end(CompletableFuture.completedFuture(TaskResult.error(init.get())), true);
            return;
        }

        if (PodOutcomes.started(pod, PodContract.MAIN_CONTAINER)) {
            startLogs();
        }
        Optional<ContainerStateTerminated> main = PodOutcomes.terminated(pod, PodContract.MAIN_CONTAINER);
        if (main.isEmpty()) {
            if ("Running".equals(phase)) {
                status("running");
            }
            return;
        }
        boolean hasStager = PodOutcomes.hasContainer(pod, PodContract.STAGER_CONTAINER);
        Optional<ContainerStateTerminated> stager = PodOutcomes.terminated(pod, PodContract.STAGER_CONTAINER);
        if (!hasStager || stager.isPresent() || PodOutcomes.neverRan(main.get())) {
            end(outcome(pod, main.get(), stager.orElse(null), hasStager ? null : "the pod has no stager"), true);
        } else if (stagerGrace == null) {
            status("main container ended (exit code " + main.get().getExitCode() + "), storing outputs");
            Duration grace = runtime.config().stagerGracePeriod();
            stagerGrace = runtime.schedule(() -> end(outcome(pod, main.get(), null,
                    "the stager did not finish within " + human(grace)), true), grace);
        }
    }

    /** The informer saw the pod disappear. */
    synchronized void onDeleted() {
        gone.complete(null);
        if (!ending) {
            end(CompletableFuture.completedFuture(TaskResult.error("pod " + namespace + "/" + podName
                    + " was deleted by someone else before the task finished")), false);
        }
    }

    private CompletableFuture<TaskResult> outcome(Pod pod, ContainerStateTerminated main,
            ContainerStateTerminated stager, String note) {
        if (stager == null || stager.getMessage() == null || stager.getMessage().isBlank()) {
            String why = note != null ? note : stager == null ? "no stager report"
                    : "the stager ended with exit code " + stager.getExitCode() + " and no report";
            return CompletableFuture.completedFuture(PodOutcomes.result(pod, main, null, why));
        }
        StagerReport report;
        try {
            report = StagerReport.fromJson(stager.getMessage());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(PodOutcomes.result(pod, main, null,
                    "the stager's termination message is not a report: " + e.getMessage()));
        }
        if (!report.inLog()) {
            return CompletableFuture.completedFuture(PodOutcomes.result(pod, main, report, null));
        }
        return runtime.stagerLogReport(namespace, podName)
                .handle((fromLog, error) -> error == null
                        ? PodOutcomes.result(pod, main, fromLog, null)
                        : PodOutcomes.result(pod, main, null, runtime.describe(error, "reading the stager's report "
                                + "from its log")));
    }

    private void startLogs() {
        if (logStarted) {
            return;
        }
        logStarted = true;
        LineSplitter lines = new LineSplitter(listener::log);
        logDone = runtime.watchMainLog(namespace, podName, lines)
                .thenCompose(watch -> {
                    logWatch = watch;
                    return watch.onClose().toCompletableFuture();
                })
                .handle((closedWith, error) -> {
                    lines.close();
                    if (error != null) {
                        status(runtime.describe(error, "streaming the main container's log"));
                    }
                    return null;
                });
    }

    /**
     * Ends the attempt once: waits for the outcome, lets the log catch up, deletes the pod (unless
     * it is kept for inspection), then completes the result.
     */
    private void end(CompletableFuture<TaskResult> outcome, boolean deletePod) {
        CompletableFuture<Void> logs;
        synchronized (this) {
            if (ending) {
                return;
            }
            ending = true;
            for (ScheduledFuture<?> timer : new ScheduledFuture<?>[] {timeout, stagerGrace, startTimer}) {
                if (timer != null) {
                    timer.cancel(false);
                }
            }
            logs = logDone;
        }
        outcome.thenCompose(r -> logs.completeOnTimeout(null, LOG_DRAIN.toMillis(), TimeUnit.MILLISECONDS)
                        .thenApply(v -> r))
                .thenCompose(r -> {
                    LogWatch watch = logWatch;
                    if (watch != null) {
                        watch.close();
                    }
                    boolean cancelled = r.phase() == TaskPhase.FAILED && r.exitCode() == null
                            && r.message() != null && r.message().startsWith("cancelled: ");
                    boolean keep = !cancelled && r.phase() != TaskPhase.SUCCEEDED
                            && runtime.config().failedPodRetention()
                                    == KubernetesRuntimeConfig.FailedPodRetention.KEEP;
                    if (!deletePod) {
                        return CompletableFuture.completedFuture(r);
                    }
                    return created.thenCompose(exists -> {
                        if (!exists) {
                            return CompletableFuture.completedFuture(r);
                        }
                        if (keep) {
                            status("pod kept for inspection: kubectl -n " + namespace + " describe pod " + podName);
                            return runtime.markKept(namespace, podName).handle((v, e) -> r);
                        }
                        // The result waits until the pod is gone: a run that ended leaves no pod behind.
                        return runtime.deletePod(namespace, podName).handle((v, e) -> {
                            if (e != null) {
                                status(runtime.describe(e, "deleting pod " + namespace + "/" + podName)
                                        + "; the pod is left behind: kubectl -n " + namespace + " delete pod "
                                        + podName);
                                gone.complete(null);
                            }
                            return r;
                        }).thenCompose(v -> gone.completeOnTimeout(null, DELETION_WAIT.toMillis(),
                                TimeUnit.MILLISECONDS).thenApply(x -> r));
                    });
                })
                .whenComplete((r, e) -> {
                    runtime.forget(this);
                    result.complete(e == null ? r : TaskResult.error(runtime.describe(e, "running pod " + podName)));
                });
    }

    private void status(String message) {
        if (!message.equals(lastStatus)) {
            lastStatus = message;
            listener.status(message);
        }
    }

    static String human(Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }
}
