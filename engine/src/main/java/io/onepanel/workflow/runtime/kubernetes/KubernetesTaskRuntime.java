package io.onepanel.workflow.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.onepanel.workflow.pod.PodContract;
import io.onepanel.workflow.pod.PodNames;
import io.onepanel.workflow.pod.PodSpecException;
import io.onepanel.workflow.pod.StagerReport;
import io.onepanel.workflow.pod.TaskPod;
import io.onepanel.workflow.pod.TaskPodTranslator;
import io.onepanel.workflow.runtime.RunInfo;
import io.onepanel.workflow.runtime.TaskExecution;
import io.onepanel.workflow.runtime.TaskListener;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.runtime.TaskRuntime;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs each task attempt as a pod through the fabric8 client: creates the run's claims and the pod,
 * follows it with one pod informer per namespace (a watch, never polling), streams the main
 * container's log line by line, turns the pod's end into a {@link TaskResult} (exit code, OOMKilled,
 * eviction, image pull failures, unschedulable with the scheduler's message, deadlines), and deletes
 * the pod. Every API call passes a QPS/burst limiter.
 */
public final class KubernetesTaskRuntime implements TaskRuntime {

    private final KubernetesClient client;
    private final boolean ownsClient;
    private final KubernetesRuntimeConfig config;
    private final TaskPodTranslator translator;
    private final String defaultNamespace;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService api;
    private final ApiRateLimiter limiter;
    private final ClaimRegistry claims;
    private final Map<String, PodExecution> executions = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<SharedIndexInformer<Pod>>> informers = new ConcurrentHashMap<>();
    /** Every run seen: uid -> namespace, to find its pods by label on close. */
    private final Map<String, String> runs = new ConcurrentHashMap<>();
    private final Set<String> kept = ConcurrentHashMap.newKeySet();
    private final TransientRetry retry;
    /** For reads whose failure has a fallback (the stager's report): a few quick tries, not a minute and a half. */
    private final TransientRetry quickRetry;
    /** How long close waits for the attempts to end, then for the sweep (deletions retry for ~90 s). */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(120);
    private volatile boolean closed;

    /**
     * Connects as kubectl would: {@code KUBECONFIG} or {@code ~/.kube/config} (with
     * {@code config.context()}, or the current context), else the in-cluster service account.
     */
    public KubernetesTaskRuntime(KubernetesRuntimeConfig config) {
        this(new KubernetesClientBuilder().withConfig(clientConfig(config)).build(), config, true);
    }

    /** Uses a client made elsewhere (the Jenkins plugin, tests); {@link #close()} leaves it open. */
    public KubernetesTaskRuntime(KubernetesClient client, KubernetesRuntimeConfig config) {
        this(client, config, false);
    }

    private KubernetesTaskRuntime(KubernetesClient client, KubernetesRuntimeConfig config, boolean ownsClient) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.config = config;
        this.translator = new TaskPodTranslator(config.pod());
        String ns = config.namespace() != null ? config.namespace() : client.getNamespace();
        this.defaultNamespace = ns != null ? ns : "default";
        this.scheduler = Executors.newSingleThreadScheduledExecutor(threads("onepanel-k8s-timer"));
        this.api = Executors.newFixedThreadPool(config.apiThreads(), threads("onepanel-k8s-api"));
        this.limiter = new ApiRateLimiter(config.qps(), config.burst(), scheduler, api);
        this.claims = new ClaimRegistry(this::createClaim, this::deleteClaim);
        this.retry = new TransientRetry(this::schedule, TransientRetry.PAUSES);
        this.quickRetry = new TransientRetry(this::schedule, TransientRetry.PAUSES.subList(0, 2));
    }

    /** fabric8's usual discovery, with this runtime's retry setting. */
    public static Config clientConfig(KubernetesRuntimeConfig config) {
        Config c = Config.autoConfigure(config.context());
        c.setRequestRetryBackoffLimit(config.requestRetries());
        if (config.namespace() != null) {
            c.setNamespace(config.namespace());
        }
        return c;
    }

    public KubernetesRuntimeConfig config() {
        return config;
    }

    /** The namespace pods go to when a run names none. */
    public String defaultNamespace() {
        return defaultNamespace;
    }

    @Override
    public TaskExecution start(TaskRequest request, TaskListener listener) {
        return launch(request, listener, false);
    }

    /**
     * Takes up an attempt that an earlier process of this run started: when its pod still exists
     * (same name, same run uid), follows it through the informer, streams the main container's log
     * from its beginning (what the dead process showed of it is not known: shown again rather than
     * lost), and reads its end as {@link #start} would; otherwise starts it. The run's
     * claims are collected with it as its {@code volumeClaimGC} says, though this process made none.
     */
    @Override
    public TaskExecution resume(TaskRequest request, TaskListener listener) {
        return launch(request, listener, true);
    }

    private TaskExecution launch(TaskRequest request, TaskListener listener, boolean resuming) {
        RunInfo run = request.run();
        String namespace = run.namespace() != null && !run.namespace().isBlank() ? run.namespace() : defaultNamespace;
        TaskPod taskPod;
        try {
            taskPod = translator.translate(request);
        } catch (PodSpecException e) {
            PodExecution failed = new PodExecution(this, listener, namespace, request.podName(), run.uid());
            failed.failBeforeCreate(TaskResult.error(e.getMessage()));
            return failed;
        }
        Pod pod = new PodBuilder(taskPod.pod()).editMetadata().withNamespace(namespace).endMetadata().build();
        PodExecution execution = new PodExecution(this, listener, namespace, taskPod.name(), run.uid());
        if (closed) {
            execution.failBeforeCreate(TaskResult.error("the Kubernetes runtime is closed"));
            return execution;
        }
        if (executions.putIfAbsent(key(namespace, taskPod.name()), execution) != null) {
            PodExecution duplicate = new PodExecution(this, listener, namespace, taskPod.name(), run.uid());
            duplicate.failBeforeCreate(TaskResult.error("pod " + namespace + "/" + taskPod.name()
                    + " is already running for another attempt with the same name"));
            return duplicate;
        }
        List<PersistentVolumeClaim> runClaims = inNamespace(taskPod.claims(), namespace);
        String gc = request.workflow().volumeClaimGCStrategy();
        if (resuming) {
            claims.adopt(run, namespace, gc, inNamespace(request.workflow().volumeClaimTemplates().stream()
                    .map(t -> TaskPodTranslator.claim(t, run)).toList(), namespace));
        }
        execution.startTimeout(request.timeout());
        informer(namespace)
                .thenCompose(i -> resuming ? ownPod(namespace, taskPod.name(), run) : CompletableFuture.completedFuture(null))
                .thenCompose(found -> found != null ? CompletableFuture.completedFuture(new Launched(found, true))
                        : claims.ensure(run, namespace, gc, runClaims).thenCompose(v -> {
                            runs.put(run.uid(), namespace); // from here a pod may exist (even if the call fails): swept on close
                            return limiter.call(() -> client.pods().inNamespace(namespace).resource(pod).create());
                        }).thenApply(created -> new Launched(created, false)))
                .whenComplete((launched, error) -> {
                    if (error != null) {
                        execution.failBeforeCreate(TaskResult.error(describe(error, action(error, namespace,
                                taskPod.name(), runClaims))));
                        return;
                    }
                    runs.put(run.uid(), namespace);
                    execution.created.complete(true);
                    listener.status("pod " + namespace + "/" + taskPod.name() + (launched.reattached()
                            ? " reattached: an earlier process of this run created it; its log from the start" : " created"));
                    execution.awaitStart();
                    execution.onPod(launched.pod());
                });
        return execution;
    }

    private record Launched(Pod pod, boolean reattached) {}

    /** The pod of that name if it belongs to this run (its run uid label), else null. */
    private CompletableFuture<Pod> ownPod(String namespace, String name, RunInfo run) {
        return limiter.call(() -> {
            Pod p = client.pods().inNamespace(namespace).withName(name).get();
            return p != null && isOfRun(p, run.uid()) ? p : null;
        });
    }

    private static boolean isOfRun(Pod pod, String uid) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        return labels != null && PodNames.labelValue(uid).equals(labels.get(PodContract.LABEL_RUN_UID));
    }

    private static List<PersistentVolumeClaim> inNamespace(List<PersistentVolumeClaim> claims, String namespace) {
        return claims.stream().map(c -> new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder(c)
                .editMetadata().withNamespace(namespace).endMetadata().build()).toList();
    }

    private static String action(Throwable error, String namespace, String pod, List<PersistentVolumeClaim> claims) {
        Throwable e = ApiErrors.unwrap(error);
        if (e instanceof ClaimException c) {
            return "creating volume claim " + namespace + "/" + c.claim;
        }
        if (e instanceof InformerException) {
            return "watching pods in namespace " + namespace;
        }
        return "creating pod " + namespace + "/" + pod;
    }

    /** Deletes the run's claims as its {@code volumeClaimGC} says. */
    @Override
    public void finish(RunInfo run, boolean succeeded) {
        try {
            claims.finish(run, succeeded);
        } catch (CompletionException e) {
            throw new IllegalStateException(describe(e, "deleting the volume claims of run " + run.workflowName()), e);
        }
    }

    /** Cancels every attempt still running and deletes every pod of the runs it started (but kept ones). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<CompletableFuture<TaskResult>> ending = new ArrayList<>();
        for (PodExecution e : executions.values()) {
            e.cancel("the Kubernetes runtime is closing");
            ending.add(e.result());
        }
        CompletableFuture.allOf(ending.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, CLOSE_WAIT.toSeconds(), TimeUnit.SECONDS).join();
        // Also what no attempt knows of: a pod whose creation timed out on this side, one whose deletion failed.
        List<CompletableFuture<?>> sweeps = new ArrayList<>();
        runs.forEach((uid, namespace) -> sweeps.add(sweep(uid, namespace)));
        CompletableFuture.allOf(sweeps.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, CLOSE_WAIT.toSeconds(), TimeUnit.SECONDS).exceptionally(e -> null).join();
        informers.values().forEach(f -> f.thenAccept(SharedIndexInformer::stop));
        scheduler.shutdownNow();
        api.shutdown();
        try {
            api.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownsClient) {
            client.close();
        }
    }

    // ---- used by PodExecution ----

    ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    String describe(Throwable error, String action) {
        return ApiErrors.describe(error, action, client.getMasterUrl().toString());
    }

    CompletableFuture<LogWatch> watchMainLog(String namespace, String pod, OutputStream out) {
        return limiter.call(() -> client.pods().inNamespace(namespace).withName(pod)
                .inContainer(PodContract.MAIN_CONTAINER).watchLog(out));
    }

    /** The stager's report from its log; a lost connection or an overloaded API server is tried again, briefly. */
    CompletableFuture<StagerReport> stagerLogReport(String namespace, String pod) {
        return quickRetry.call(() -> limiter.call(() -> {
            String log = client.pods().inNamespace(namespace).withName(pod).inContainer(PodContract.STAGER_CONTAINER)
                    .tailingLines(20).getLog();
            String[] lines = log == null ? new String[0] : log.split("\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                if (lines[i].startsWith(PodContract.REPORT_LOG_PREFIX)) {
                    return StagerReport.fromJson(lines[i].substring(PodContract.REPORT_LOG_PREFIX.length()));
                }
            }
            throw new IllegalStateException("the stager's log has no line starting with '"
                    + PodContract.REPORT_LOG_PREFIX.strip() + "'");
        }));
    }

    /** The pod's Warning events, oldest first, as {@code kubectl describe pod} shows them ("Reason: message"). */
    CompletableFuture<List<String>> warningEvents(String namespace, String pod) {
        return limiter.call(() -> PodOutcomes.warnings(client.v1().events().inNamespace(namespace)
                .withField("involvedObject.name", pod).list().getItems(), pod));
    }

    /**
     * Deletes a pod, trying again while the API server's answer is one that passes; completes once
     * the deletion was accepted (or the pod was gone already), or with the final refusal.
     */
    CompletableFuture<Void> deletePod(String namespace, String pod) {
        return retry.call(() -> limiter.call(() -> {
            client.pods().inNamespace(namespace).withName(pod).delete(); // an absent pod is no error
            return null;
        }));
    }

    /** Deletes every pod of a run that is not kept for inspection; the list and each deletion are retried. */
    private CompletableFuture<Void> sweep(String uid, String namespace) {
        return retry.call(() -> limiter.call(() -> client.pods().inNamespace(namespace)
                        .withLabel(PodContract.LABEL_RUN_UID, uid).list().getItems()))
                .thenCompose(pods -> CompletableFuture.allOf(pods.stream()
                        .map(p -> p.getMetadata().getName())
                        .filter(name -> !kept.contains(key(namespace, name)))
                        .map(name -> deletePod(namespace, name).exceptionally(e -> null))
                        .toArray(CompletableFuture[]::new)));
    }

    CompletableFuture<Void> markKept(String namespace, String pod) {
        kept.add(key(namespace, pod));
        return CompletableFuture.completedFuture(null);
    }

    void forget(PodExecution execution) {
        executions.remove(key(execution.namespace, execution.podName), execution);
    }

    // ---- informers and claims ----

    private CompletableFuture<SharedIndexInformer<Pod>> informer(String namespace) {
        return informers.computeIfAbsent(namespace, ns -> limiter.call(() -> {
            try {
                return client.pods().inNamespace(ns).withLabel(PodContract.LABEL_MANAGED_BY, PodContract.MANAGED_BY)
                        .inform(new Handler(ns), 0);
            } catch (RuntimeException e) {
                throw new InformerException(e);
            }
        })).whenComplete((i, e) -> {
            if (e != null) {
                informers.remove(namespace); // the next attempt tries again
            }
        });
    }

    private final class Handler implements ResourceEventHandler<Pod> {
        private final String namespace;

        Handler(String namespace) {
            this.namespace = namespace;
        }

        @Override
        public void onAdd(Pod pod) {
            dispatch(pod);
        }

        @Override
        public void onUpdate(Pod oldPod, Pod newPod) {
            dispatch(newPod);
        }

        @Override
        public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
            PodExecution e = executionOf(pod);
            if (e != null) {
                e.onDeleted();
            }
        }

        private void dispatch(Pod pod) {
            PodExecution e = executionOf(pod);
            if (e != null) {
                e.onPod(pod);
            }
        }

        /** The attempt this pod is of: same name and same run (never another run's pod of that name). */
        private PodExecution executionOf(Pod pod) {
            PodExecution e = executions.get(key(namespace, pod.getMetadata().getName()));
            return e != null && isOfRun(pod, e.runUid) ? e : null;
        }
    }

    private CompletableFuture<Void> createClaim(PersistentVolumeClaim claim) {
        String ns = claim.getMetadata().getNamespace();
        return limiter.call(() -> {
            try {
                client.persistentVolumeClaims().inNamespace(ns).resource(claim).create();
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409) { // 409: made by an earlier attempt of this run; shared, as intended
                    throw new ClaimException(claim.getMetadata().getName(), e);
                }
            }
            return null;
        });
    }

    private CompletableFuture<Void> deleteClaim(PersistentVolumeClaim claim) {
        return limiter.call(() -> {
            client.persistentVolumeClaims().inNamespace(claim.getMetadata().getNamespace())
                    .withName(claim.getMetadata().getName()).delete();
            return null;
        });
    }

    /** Marks which step failed, so the message names it; the cause keeps the API's answer. */
    private static final class ClaimException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String claim;

        ClaimException(String claim, Throwable cause) {
            super(cause.getMessage(), cause);
            this.claim = claim;
        }
    }

    private static final class InformerException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InformerException(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static String key(String namespace, String pod) {
        return namespace + "/" + pod;
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
