package io.jenkins.plugins.onepanel.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.model.Run;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.onepanel.OnepanelRunAction;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.engine.WorkflowRun;
import io.onepanel.workflow.pod.PodSpecException;
import io.onepanel.workflow.pod.StagingPlan;
import io.onepanel.workflow.pod.TaskPod;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.runtime.external.ExternalTaskRuntime.ExternalTask;
import io.onepanel.workflow.runtime.kubernetes.VolumeClaims;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One workflow run of a build, while it goes on: the engine's run, where its attempts are, and
 * everything needed to run them (pods, staging, the administrator's limits). The engine decides
 * everything about the run; this only carries attempts between the engine and Jenkins.
 */
public final class ActiveRun {

    private static final Logger LOGGER = Logger.getLogger(ActiveRun.class.getName());

    private final String id;
    private final Run<?, ?> build;
    private final WorkflowRun engineRun;
    private final RunRecorder recorder;
    private final RunSettings settings;
    private final TaskPods pods;
    private final TaskStaging staging;
    private final AdminLimits limits;

    @CheckForNull
    private final TaskBranches branches;

    private final Map<String, Attempt> attempts = new ConcurrentHashMap<>();
    private volatile VolumeClaims volumeClaims;
    private final AtomicLong attemptIds = new AtomicLong();

    ActiveRun(
            String id,
            Run<?, ?> build,
            WorkflowRun engineRun,
            RunRecorder recorder,
            RunSettings settings,
            TaskPods pods,
            TaskStaging staging,
            AdminLimits limits,
            @CheckForNull TaskBranches branches) {
        this.id = id;
        this.build = build;
        this.engineRun = engineRun;
        this.recorder = recorder;
        this.settings = settings;
        this.pods = pods;
        this.staging = staging;
        this.limits = limits;
        this.branches = branches;
    }

    @NonNull
    public String id() {
        return id;
    }

    @NonNull
    Run<?, ?> build() {
        return build;
    }

    @NonNull
    public String name() {
        return engineRun.info().workflowName();
    }

    @NonNull
    public RunSettings settings() {
        return settings;
    }

    @NonNull
    public OnepanelRunAction action() {
        return recorder.action();
    }

    /** What a Pipeline step keeps to clean up after a restart. */
    @NonNull
    public RunRef ref() {
        String cloud = settings.builtInNode() || settings.cloud() == null ? null : settings.cloud().name;
        return new RunRef(id, action().getUrlName(), cloud, settings.namespace(), engineRun.info());
    }

    /** Where each Pipeline branch of the run hears what to run next. */
    @NonNull
    public TaskBranches branches() {
        if (branches == null) {
            throw new IllegalStateException("this run's tasks are not run by Pipeline branches");
        }
        return branches;
    }

    /**
     * Gives an attempt the engine let start to its task's branch. An attempt whose pod the
     * administrator's limits forbid never reaches a branch: it ends at once as an error.
     */
    void handOut(ExternalTask task) {
        Attempt attempt = attemptFor(task);
        if (attempt != null) {
            // Still unclaimed when the engine stops it (failFast, a deadline): it ends as cancelled.
            task.cancellation().thenAccept(reason -> attempt.abandon("cancelled: " + reason));
            branches.attemptReady(attempt);
        }
    }

    @CheckForNull
    private Attempt attemptFor(ExternalTask task) {
        TaskRequest request = task.request();
        String podYaml = null;
        StagingPlan plan = null;
        List<PersistentVolumeClaim> claims = List.of();
        Long deadline = null;
        try {
            TaskPod taskPod = pods.podFor(request);
            Pod pod = taskPod.pod();
            TaskPods.Placement placement = pods.placementOf(pod);
            action().placement(request.podName(), placement.nodePool(), placement.gpus(), placement.usagePerSecond());
            Optional<String> refused = limits.violation(pod);
            if (refused.isPresent()) {
                task.complete(TaskResult.error(refused.get()));
                return null;
            }
            if (!settings.builtInNode()) {
                podYaml = pods.agentPodYaml(taskPod);
                plan = taskPod.plan();
                claims = taskPod.claims();
                deadline = pod.getSpec().getActiveDeadlineSeconds();
            }
        } catch (PodSpecException | RuntimeException e) {
            task.complete(TaskResult.error("could not make the pod of " + request.taskName() + ": " + e.getMessage()));
            return null;
        }
        Attempt attempt = new Attempt("a" + attemptIds.incrementAndGet(), task, podYaml, plan, claims, deadline);
        attempts.put(attempt.id(), attempt);
        return attempt;
    }

    /** The run's claims, made through the cloud's client on first use. */
    private synchronized VolumeClaims volumeClaims() {
        if (volumeClaims == null) {
            try {
                volumeClaims = new VolumeClaims(settings.cloud().connect());
            } catch (Exception e) {
                throw new IllegalStateException("cannot reach the Kubernetes cloud " + settings.cloud().name + ": "
                        + e.getMessage(), e);
            }
        }
        return volumeClaims;
    }

    /** Deletes the run's claims as its {@code volumeClaimGC} says, once the run is over. */
    void finishClaims(boolean succeeded) {
        VolumeClaims made = volumeClaims;
        if (made != null) {
            try {
                made.finish(engineRun.info(), succeeded);
            } catch (RuntimeException e) {
                LOGGER.log(Level.WARNING, "could not delete the volume claims of " + name(), e);
            }
        }
    }

    /** An attempt handed to a branch and not finished yet. */
    @NonNull
    public Attempt attempt(@NonNull String attemptId) throws AbortException {
        Attempt attempt = attempts.get(attemptId);
        if (attempt == null) {
            throw new AbortException(
                    "The task attempt " + attemptId + " of " + name() + " is no longer known: " + ActiveRuns.LOST);
        }
        return attempt;
    }

    /** The attempt, or null once it has finished (for instance abandoned when the run was cancelled). */
    @CheckForNull
    public Attempt findAttempt(@NonNull String attemptId) {
        return attempts.get(attemptId);
    }

    @NonNull
    public TaskStaging staging() {
        return staging;
    }

    /**
     * Stops the run: no new attempt starts, running ones are cancelled, and every pod of the run
     * still there is deleted. Idempotent.
     */
    public void cancel(@NonNull String reason) {
        engineRun.cancel(reason);
        // Attempts handed out but not yet taken up by a branch end here; the others
        // end when their block sees the cancellation.
        attempts.values().forEach(attempt -> attempt.abandon("cancelled: " + reason));
        if (!settings.builtInNode()) {
            ref().deletePods();
        }
    }

    /**
     * Records that the build (or a block around the step) was stopped, as opposed to a pod or agent
     * that went away, and stops the run: no attempt starts any more and every branch ends.
     */
    public void buildStopped(@NonNull String why) {
        cancel("the build was stopped (" + why + ")");
    }

    /** Completes when the run is over, normally, with its result. */
    @NonNull
    public CompletableFuture<RunResult> completion() {
        return engineRun.completion();
    }

    /** Drops the run from {@link ActiveRuns} once nothing will ask for it any more. */
    public void forget() {
        ActiveRuns.get().remove(this);
    }

    /** One attempt a branch runs: the engine's task and the pod it gets. */
    public final class Attempt {
        private final String id;
        private final ExternalTask task;

        @CheckForNull
        private final String podYaml;

        @CheckForNull
        private final StagingPlan plan;

        private final List<PersistentVolumeClaim> claims;

        @CheckForNull
        private final Long activeDeadlineSeconds;

        private final AtomicBoolean claimed = new AtomicBoolean();
        private volatile TaskResult result;
        private volatile PodStartWatch startWatch;

        /** The name of the agent the attempt runs on, once it connected. */
        private volatile String agent;

        Attempt(
                String id,
                ExternalTask task,
                @CheckForNull String podYaml,
                @CheckForNull StagingPlan plan,
                List<PersistentVolumeClaim> claims,
                @CheckForNull Long activeDeadlineSeconds) {
            this.id = id;
            this.task = task;
            this.podYaml = podYaml;
            this.plan = plan;
            this.claims = claims;
            this.activeDeadlineSeconds = activeDeadlineSeconds;
        }

        /**
         * The pod's deadline as {@code podTemplate(activeDeadlineSeconds:)} takes it: the task's own,
         * else (no deadline) the largest it takes, so that a cloud's or an inherited template's
         * deadline does not apply to a task that has none (the Kubernetes plugin inherits any value it
         * is not given).
         */
        public long podDeadlineSeconds() {
            return activeDeadlineSeconds != null ? activeDeadlineSeconds : Integer.MAX_VALUE;
        }

        /**
         * Makes what the attempt's pod needs before the Kubernetes plugin creates it: the run's
         * claims from {@code volumeClaimTemplates} (once per run, shared by its pods). Blocks: call
         * it off the CPS VM thread.
         *
         * @throws IllegalStateException naming what could not be made
         */
        public void prepare() {
            if (!claims.isEmpty()) {
                volumeClaims()
                        .ensure(
                                engineRun.info(),
                                settings.namespace(),
                                request().workflow().volumeClaimGCStrategy(),
                                claims);
            }
        }

        @NonNull
        public String id() {
            return id;
        }

        @NonNull
        public TaskRequest request() {
            return task.request();
        }

        /** The pod for {@code podTemplate(yaml: ...)}; null when tasks run on the built-in node. */
        @CheckForNull
        public String podYaml() {
            return podYaml;
        }

        /** What the agent stages (the engine's plan for the pod); null when tasks run on the built-in node. */
        @CheckForNull
        public StagingPlan plan() {
            return plan;
        }

        /**
         * The Jenkins label of the attempt's agent pod ({@code podTemplate(label:)}, {@code node(label)}):
         * unique to the attempt, so a pod still waiting in the queue can be found and cancelled.
         */
        @NonNull
        public String label() {
            String uid = engineRun.info().uid().replaceAll("[^A-Za-z0-9]", "");
            return "onepanel-" + uid.substring(0, Math.min(12, uid.length())) + "-" + id;
        }

        /**
         * Taken up by a branch; false when it was abandoned first, in which case nothing runs it.
         * From then on, the engine's cancel also withdraws the attempt's agent from the build queue
         * while its pod waits to be scheduled (failFast, a deadline).
         */
        public boolean takeUp() {
            if (!claimed.compareAndSet(false, true)) {
                return false;
            }
            if (!settings.builtInNode()) {
                task.cancellation().thenAccept(reason -> PendingAgents.withdraw(label()));
            }
            return true;
        }

        /** Ends an attempt no branch has taken up, as cancelled; does nothing once one has. */
        public void abandon(@NonNull String why) {
            if (claimed.compareAndSet(false, true)) {
                finish(TaskResult.failed(null, why));
            }
        }

        /**
         * Watches the attempt's pod until its agent connects: says why it waits, and ends the attempt
         * as an Error when it has not started within the administrator's bound ({@link PodStartWatch}).
         *
         * @param log hears why the pod has not started, for the build log
         */
        public void watchStart(@NonNull java.util.function.Consumer<String> log) {
            if (settings.builtInNode()) {
                return;
            }
            KubernetesClient client;
            try {
                client = settings.cloud().connect();
            } catch (Exception e) {
                LOGGER.log(Level.WARNING, "cannot watch the pod of " + label(), e);
                return;
            }
            PodStartWatch watch = new PodStartWatch(
                    client,
                    settings.namespace(),
                    label(),
                    settings.podStartTimeout(),
                    reason -> {
                        log.accept(reason);
                        listener().status(reason);
                    },
                    this::failToStart);
            startWatch = watch;
            watch.start();
        }

        /** The pod never started: the attempt is an Error, its queue item is withdrawn and its pods go. */
        private void failToStart(String reason) {
            finish(TaskResult.error(reason));
            PendingAgents.withdraw(label());
            try {
                settings.cloud()
                        .connect()
                        .pods()
                        .inNamespace(settings.namespace())
                        .withLabel(PodStartWatch.JENKINS_LABEL, label())
                        .delete();
            } catch (Exception e) {
                LOGGER.log(Level.WARNING, "could not delete the pods of " + label(), e);
            }
        }

        /** The attempt's agent connected: its pod has started. */
        public void agentConnected(@NonNull String agentName) {
            this.agent = agentName;
            PodStartWatch watch = startWatch;
            if (watch != null) {
                watch.stop();
            }
        }

        /**
         * Removes the attempt's agent once its {@code node} block is over, whatever a cloud's or an
         * inherited template's {@code idleMinutes} would keep: an idle agent would keep the task's pod
         * (and its GPUs) running, since the task's container holds until the pod is deleted.
         */
        public void releaseAgent() {
            String name = agent;
            if (name == null) {
                return;
            }
            hudson.model.Node node = jenkins.model.Jenkins.get().getNode(name);
            if (node instanceof hudson.slaves.AbstractCloudSlave cloudAgent) {
                hudson.model.Computer.threadPoolForRemoting.submit(() -> {
                    try {
                        cloudAgent.terminate();
                    } catch (Exception e) {
                        LOGGER.log(Level.WARNING, "could not remove the agent " + name, e);
                    }
                    return null;
                });
            }
        }

        /** Where the attempt sends log lines and notes. */
        @NonNull
        public io.onepanel.workflow.runtime.TaskListener listener() {
            return task.listener();
        }

        /** Completes with the reason when the engine wants the attempt stopped (failFast, cancel, deadline). */
        @NonNull
        public CompletableFuture<String> cancellation() {
            return task.cancellation();
        }

        /** What the agent reported, kept until the pod is gone and the attempt is {@linkplain #finish finished}. */
        public void ran(@NonNull TaskResult outcome) {
            this.result = outcome;
        }

        @CheckForNull
        public TaskResult ranResult() {
            return result;
        }

        /** Reports the attempt's end to the engine; later calls are ignored. */
        public void finish(@NonNull TaskResult outcome) {
            PodStartWatch watch = startWatch;
            if (watch != null) {
                watch.stop();
            }
            task.complete(outcome);
            attempts.remove(id);
            PendingAgents.forget(label());
        }
    }
}
