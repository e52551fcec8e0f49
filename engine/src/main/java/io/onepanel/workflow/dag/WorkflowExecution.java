package io.onepanel.workflow.dag;

import io.onepanel.workflow.artifact.ArtifactStore;
import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.NodeType;
import io.onepanel.workflow.engine.RunListener;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.engine.WorkflowRun;
import io.onepanel.workflow.runtime.RunInfo;
import io.onepanel.workflow.runtime.TaskExecution;
import io.onepanel.workflow.runtime.TaskRuntime;
import io.onepanel.workflow.template.Arguments;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.Workflow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One run of a workflow. Event driven: every change of state happens on the run's single
 * scheduler thread, in reaction to an event (start, an attempt ending, a timer), so a task starts
 * the moment the event that frees it is handled, and no lock is needed around the run's state.
 */
public final class WorkflowExecution implements WorkflowRun {

    /**
     * How the run is set up; see {@link io.onepanel.workflow.engine.WorkflowEngine}.
     *
     * @param events hears every change, for the run's journal
     * @param history what an earlier run recorded, when this one continues it
     */
    public record Settings(Integer parallelism, Boolean failFast, Clock clock, RunEvents events, RunHistory history) {

        public Settings(Integer parallelism, Boolean failFast, Clock clock) {
            this(parallelism, failFast, clock, RunEvents.NONE, RunHistory.NONE);
        }
    }

    final Workflow workflow;
    final RunInfo info;
    final TaskRuntime runtime;
    final ArtifactStore artifacts;
    final RunListener listener;
    final Settings settings;
    final Vars globals;
    final Slots pods;
    final RunHistory history;
    /** Pod templates as substituted, kept per template and the values their tags read. */
    final ResolvedTemplates resolvedTemplates = new ResolvedTemplates();

    private final Map<String, String> globalValues;
    private final Map<String, String> globalOutputs = new LinkedHashMap<>();
    private final Map<String, io.onepanel.workflow.template.Artifact> globalArtifacts = new LinkedHashMap<>();
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Set<TaskExecution> running = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<RunResult> completion = new CompletableFuture<>();
    private final ExecutorService scheduler;
    private final ScheduledExecutorService timers;
    // Readable from any thread: the latest status of each node, in creation order.
    private final Map<String, NodeStatus> statuses = new ConcurrentHashMap<>();
    private final java.util.Queue<String> order = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** A resumed run's recorded nodes, listed in their first order (so a rebuilt run lists as this one). */
    private final Set<String> recordedOrder = new java.util.HashSet<>();
    private boolean journalBroken;
    /** Events waiting for a delay that a cancel cuts short (see {@link #wait(Duration, Runnable)}). */
    private final Set<Runnable> waiting = new java.util.HashSet<>();
    private final List<java.util.function.BooleanSupplier> watchers = new ArrayList<>();
    private boolean watchPosted;
    private ExpressionHooks hooks;
    private Runnable afterHooks;
    private volatile boolean cancelled;
    private String cancelReason;
    private Instant startedAt;

    public WorkflowExecution(Workflow workflow, RunInfo info, Map<String, String> parameters, TaskRuntime runtime,
            ArtifactStore artifacts, RunListener listener, Settings settings) {
        this.workflow = workflow;
        this.info = info;
        this.runtime = runtime;
        this.artifacts = artifacts;
        this.listener = listener;
        this.settings = settings;
        this.history = settings.history();
        for (String path : history.order()) {
            order.add(info.workflowName() + path);
            recordedOrder.add(info.workflowName() + path);
        }
        this.globalValues = new LinkedHashMap<>(WorkflowVariables.of(workflow, info, parameters));
        this.globals = Vars.live(globalValues);
        int cap = Math.min(positive(workflow.parallelism()), positive(settings.parallelism()));
        this.pods = new Slots(cap == Integer.MAX_VALUE ? 0 : cap);
        String threadName = "onepanel-run-" + info.workflowName();
        // A deep stack: nested templates (up to Call.MAX_DEPTH) are started and ended by nested calls.
        this.scheduler = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(null, r, threadName, 64L * 1024 * 1024);
            t.setDaemon(true);
            return t;
        });
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, threadName + "-timer"));
    }

    private static int positive(Integer v) {
        return v == null || v <= 0 ? Integer.MAX_VALUE : v;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Starts the entrypoint; returns at once. */
    public WorkflowExecution start() {
        post(() -> {
            startedAt = history.startedAt() != null ? history.startedAt() : now();
            record(events -> events.started(startedAt));
            Template entry = workflow.templates().get(workflow.entrypoint());
            if (workflow.activeDeadlineSeconds() != null && workflow.activeDeadlineSeconds() > 0) {
                // A wall-clock instant: a resumed run keeps its first start's deadline.
                later(Duration.between(now(), startedAt.plusSeconds(workflow.activeDeadlineSeconds())),
                        () -> cancelNow("the workflow's activeDeadlineSeconds (" + workflow.activeDeadlineSeconds()
                                + "s) was exceeded"));
            }
            // workflow.status is Running until the entrypoint ends, then its phase.
            hooks = new ExpressionHooks(this, () -> globalValues.containsKey("workflow.status") ? globals
                    : globals.with(Map.of("workflow.status", NodePhase.RUNNING.argoName())), () -> {
                        if (afterHooks != null) {
                            afterHooks.run();
                        }
                    });
            hooks.watch(workflow.hooks(), info.workflowName(), info.workflowName(), null, Call.root(entry.name()));
            execute(info.workflowName(), info.workflowName(), null, entry, workflow.arguments(),
                    Call.root(entry.name()), this::entrypointDone);
        });
        return this;
    }

    // ---- the outside world -------------------------------------------------------------------

    @Override
    public RunInfo info() {
        return info;
    }

    @Override
    public CompletableFuture<RunResult> completion() {
        return completion;
    }

    @Override
    public void cancel(String reason) {
        post(() -> cancelNow(reason == null ? "cancelled" : reason));
    }

    @Override
    public List<NodeStatus> snapshot() {
        List<NodeStatus> out = new ArrayList<>();
        for (String id : order) {
            NodeStatus status = statuses.get(id);
            if (status != null) {
                out.add(status);
            }
        }
        return out;
    }

    // ---- scheduler plumbing (scheduler thread unless said otherwise) ---------------------------

    /** Runs {@code event} on the scheduler thread; callable from any thread. */
    void post(Runnable event) {
        if (scheduler.isShutdown()) {
            return;
        }
        scheduler.execute(() -> {
            try {
                event.run();
            } catch (RuntimeException | StackOverflowError e) {
                // Never a stack trace for a user: the run ends in error with what happened, in one line.
                fail("internal error: " + e);
            }
        });
    }

    void later(Duration delay, Runnable event) {
        if (!timers.isShutdown()) {
            timers.schedule(() -> post(event), Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Runs {@code event} after {@code delay}, or at once when the run is cancelled before: a retry's
     * backoff or a suspend must not hold a cancelled run up. The event sees {@link #isCancelled()}.
     */
    void wait(Duration delay, Runnable event) {
        Runnable once = new Runnable() {
            @Override
            public void run() {
                if (waiting.remove(this)) {
                    event.run();
                }
            }
        };
        waiting.add(once);
        later(delay, once);
    }

    Instant now() {
        return settings.clock().instant();
    }

    boolean isCancelled() {
        return cancelled;
    }

    String cancelReason() {
        return cancelReason;
    }

    Node newNode(String id, String name, String parentId, NodeType type, String templateName) {
        Node node = new Node(id, name, parentId, type, templateName);
        nodes.put(id, node);
        if (!recordedOrder.contains(id)) {
            order.add(id);
        }
        NodeStatus created = node.snapshot();
        statuses.put(id, created);
        record(events -> events.nodeCreated(created));
        if (parentId != null) {
            Node parent = nodes.get(parentId);
            if (parent != null) {
                parent.children.add(node);
            }
        }
        return node;
    }

    /** A node's id without the run's name: what finds its record in a history. */
    String path(String id) {
        return RunHistory.path(info.workflowName(), id);
    }

    /**
     * Tells the journal; a journal that cannot be written (a full disk) is said once, and the run goes
     * on without it, since its tasks matter more than being able to resume it.
     */
    void record(java.util.function.Consumer<RunEvents> event) {
        if (journalBroken) {
            return;
        }
        try {
            event.accept(settings.events());
        } catch (RuntimeException e) {
            journalBroken = true;
            Node root = nodes.get(info.workflowName());
            if (root != null) {
                listener.status(root.snapshot(), "the run's journal could not be written (" + message(e)
                        + "): the run goes on, but cannot be resumed or retried");
            }
        }
    }

    /** The node with this id, or null. */
    Node node(String id) {
        return nodes.get(id);
    }

    void changed(Node node) {
        history.overlay(node, path(node.id));
        NodeStatus status = node.snapshot();
        statuses.put(node.id, status);
        // A resumed node on its way back to its recorded end: the journal and listeners have heard it.
        if (!history.replaying(path(node.id), node.phase)) {
            listener.nodeChanged(status);
            List<io.onepanel.workflow.template.Artifact> artifacts = node.outputArtifacts;
            record(events -> events.nodeChanged(status, artifacts));
        }
        if (!watchers.isEmpty() && !watchPosted) {
            watchPosted = true;
            post(this::checkWatchers);
        }
    }

    /** {@code watcher} is asked after nodes change (once per burst of changes) until it returns false. */
    void watch(java.util.function.BooleanSupplier watcher) {
        watchers.add(watcher);
        if (!watchPosted) {
            watchPosted = true;
            post(this::checkWatchers);
        }
    }

    private void checkWatchers() {
        watchPosted = false;
        for (java.util.function.BooleanSupplier w : List.copyOf(watchers)) {
            if (!w.getAsBoolean()) {
                watchers.remove(w);
            }
        }
    }

    void track(TaskExecution execution) {
        running.add(execution);
        if (cancelled) {
            execution.cancel(cancelReason);
        }
    }

    void untrack(TaskExecution execution) {
        running.remove(execution);
    }

    /** An output artifact with a {@code globalName}: {@code {{workflow.outputs.artifacts.NAME}}} from now on. */
    void exportGlobalArtifact(String name, io.onepanel.workflow.template.Artifact artifact) {
        globalArtifacts.put(name, artifact);
    }

    Map<String, io.onepanel.workflow.template.Artifact> globalArtifacts() {
        return globalArtifacts;
    }

    void exportGlobal(String name, String value) {
        globalOutputs.put(name, value);
        globalValues.put("workflow.outputs.parameters." + name, value);
    }

    /** Runs {@code template} as node {@code id}; {@code onDone} hears the node once it is fulfilled. */
    void execute(String id, String displayName, String parentId, Template template, Arguments arguments, Call call,
            Consumer<Node> onDone) {
        if (call.tooDeep()) {
            Node node = newNode(id, displayName, parentId, typeOf(template), template.name());
            finishWith(node, NodePhase.ERROR, call.tooDeepMessage());
            onDone.accept(node);
            return;
        }
        TemplateBinding.Bound bound;
        try {
            // {{node.name}}: the node's full name, as Argo gives every template (a retried one: its retry node's)
            bound = TemplateBinding.bind(template, arguments, globals.with(Map.of("node.name", id)));
        } catch (RuntimeException e) {
            Node node = newNode(id, displayName, parentId, typeOf(template), template.name());
            finishWith(node, NodePhase.ERROR, message(e));
            onDone.accept(node);
            return;
        }
        switch (template.type()) {
            case DAG, STEPS -> {
                if (template.retryStrategy() != null) {
                    new DagRetry(this, id, displayName, parentId, bound, call, onDone).start();
                } else {
                    new DagRun(this, id, displayName, parentId, bound, call, onDone).start();
                }
            }
            case CONTAINER, SCRIPT -> new PodRun(this, id, displayName, parentId, bound, onDone).start();
            case SUSPEND -> Suspension.run(this, id, displayName, parentId, bound, onDone);
            default -> {
                Node node = newNode(id, displayName, parentId, NodeType.POD, template.name());
                finishWith(node, NodePhase.ERROR, "template '" + template.name() + "' is a " + template.type().key()
                        + " template, which onepanel-workflow does not run");
                onDone.accept(node);
            }
        }
    }

    /** The node type a template runs as, also when it cannot start. */
    static NodeType typeOf(Template template) {
        return switch (template.type()) {
            case DAG, STEPS -> NodeType.DAG;
            case SUSPEND -> NodeType.SUSPEND;
            default -> NodeType.POD;
        };
    }

    void finishWith(Node node, NodePhase phase, String message) {
        if (node.startedAt == null) {
            node.startedAt = now();
        }
        node.phase = phase;
        node.message = message;
        node.finishedAt = now();
        changed(node);
    }

    static String message(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    // ---- ending ------------------------------------------------------------------------------

    private void entrypointDone(Node root) {
        globalValues.put("workflow.status", root.phase.argoName());
        globalValues.put("workflow.failures", WorkflowVariables.failures(nodes.values()));
        // Workflow hooks whose condition holds now (workflow.status == "Failed") still run; the run
        // ends when they and the exit handler have.
        if (!cancelled) {
            hooks.close();
        }
        io.onepanel.workflow.template.LifecycleHook exitHook = workflow.hooks()
                .get(io.onepanel.workflow.template.LifecycleHook.EXIT);
        String onExit = workflow.onExit();
        Template exit = onExit == null ? null : workflow.templates().get(onExit);
        Consumer<Node> done = exitNode -> whenHooksEnd(() -> finish(root, exitNode));
        if (cancelled) {
            finish(root, null);
        } else if (exitHook != null) {
            // Argo: spec.hooks.exit is the exit handler (with arguments), in place of onExit.
            hooks.runNow(io.onepanel.workflow.template.LifecycleHook.EXIT, exitHook, info.workflowName(),
                    info.workflowName(), null, Call.root(info.workflowName()), globals, done);
        } else if (exit != null) {
            execute(info.workflowName() + ".onExit", "onExit", null, exit, Arguments.EMPTY, Call.root(exit.name()),
                    done);
        } else {
            done.accept(null);
        }
    }

    private void whenHooksEnd(Runnable then) {
        if (hooks.running() == 0) {
            then.run();
        } else {
            afterHooks = then;
        }
    }

    private void finish(Node root, Node exitNode) {
        NodePhase phase = root.phase;
        String message = root.message;
        if (cancelled) {
            phase = NodePhase.FAILED;
            message = cancelReason;
        } else if (exitNode != null && exitNode.phase.isFailure() && phase == NodePhase.SUCCEEDED) {
            phase = exitNode.phase;
            message = "the exit handler " + exitNode.phase.argoName().toLowerCase(java.util.Locale.ROOT)
                    + (exitNode.message != null ? ": " + exitNode.message : "");
        }
        Map<String, String> outputs = new LinkedHashMap<>(root.outputParameters);
        outputs.putAll(globalOutputs);
        RunResult result = new RunResult(info.workflowName(), phase, message, startedAt, now(), outputs, snapshot());
        try {
            runtime.finish(info, phase == NodePhase.SUCCEEDED);
        } catch (RuntimeException e) {
            listener.status(root.snapshot(), "releasing the run's resources failed: " + message(e));
        }
        shutdown();
        record(events -> events.ended(result));
        listener.finished(result);
        completion.complete(result);
    }

    private void cancelNow(String reason) {
        if (cancelled || completion.isDone()) {
            return;
        }
        cancelled = true;
        cancelReason = reason;
        for (TaskExecution execution : List.copyOf(running)) {
            execution.cancel(reason);
        }
        List.copyOf(waiting).forEach(this::post);
    }

    private void fail(String message) {
        if (completion.isDone()) {
            return;
        }
        cancelled = true;
        cancelReason = message;
        running.forEach(e -> e.cancel(message));
        RunResult result = new RunResult(info.workflowName(), NodePhase.ERROR, message, startedAt, now(),
                Map.copyOf(globalOutputs), snapshot());
        shutdown();
        record(events -> events.ended(result));
        listener.finished(result);
        completion.complete(result);
    }

    private void shutdown() {
        timers.shutdownNow();
        scheduler.shutdown();
    }
}
