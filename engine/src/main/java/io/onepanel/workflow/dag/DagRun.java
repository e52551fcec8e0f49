package io.onepanel.workflow.dag;

import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeType;
import io.onepanel.workflow.engine.PlannedNode;
import io.onepanel.workflow.expr.TaskResult;
import io.onepanel.workflow.template.Arguments;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.DagSpec;
import io.onepanel.workflow.template.DagTask;
import io.onepanel.workflow.template.LifecycleHook;
import io.onepanel.workflow.template.Parameter;
import io.onepanel.workflow.template.Template;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One DAG template running as a node. A task is considered the moment its last dependency is
 * fulfilled (never level by level): its depends logic decides run or omit, its loop expands, its
 * {@code when} decides run or skip, and it runs within the DAG's {@code parallelism}.
 */
final class DagRun {

    private final WorkflowExecution run;
    private final Template template;
    private final Vars taskVars;
    private final TemplateBinding.Bound bound;
    private final Call call;
    private final Map<String, String> completedVars = new HashMap<>();
    private final Consumer<Node> onDone;
    private final Node node;
    private final Map<String, TaskState> tasks = new LinkedHashMap<>();
    private final List<TaskState> targets = new ArrayList<>();
    private final Deque<TaskState> ready = new ArrayDeque<>();
    private final Slots slots;
    private final ExpressionHooks hooks;
    private final ArtifactReferences references;
    private boolean hooksClosed;
    private boolean draining;
    private boolean finished;
    private int remaining;

    DagRun(WorkflowExecution run, String id, String displayName, String parentId, TemplateBinding.Bound bound,
            Call call, Consumer<Node> onDone) {
        this.run = run;
        this.bound = bound;
        this.call = call;
        this.template = bound.template();
        this.taskVars = bound.vars().withLive(completedVars);
        this.onDone = onDone;
        this.node = run.newNode(id, displayName, parentId, NodeType.DAG, template.name());
        Integer parallelism = template.parallelism();
        this.slots = new Slots(parallelism == null ? 0 : parallelism);
        this.references = new ArtifactReferences(run, bound, tasks, this::absence);
        this.hooks = new ExpressionHooks(run, this::hookScope, () -> {
            if (remaining == 0 && hooksClosed) {
                finish();
            }
        });
    }

    /** What a hook's expression sees: finished tasks' variables, and every task's status as it is now. */
    private Vars hookScope() {
        Map<String, String> live = new LinkedHashMap<>();
        live.put("workflow.status", NodePhase.RUNNING.argoName());
        for (TaskState t : tasks.values()) {
            // A task that is still running has a node of the run, not yet of its TaskState.
            Node n = t.node != null ? t.node : run.node(node.id + "." + t.task.name());
            if (n != null) {
                live.put("tasks." + t.task.name() + ".status", n.phase.argoName());
            }
        }
        return taskVars.with(live);
    }

    private DagSpec spec() {
        return template.dag();
    }

    void start() {
        node.phase = NodePhase.RUNNING;
        node.startedAt = run.now();
        run.changed(node);
        try {
            plan();
        } catch (RuntimeException e) {
            finished = true;
            run.finishWith(node, NodePhase.ERROR, WorkflowExecution.message(e));
            onDone.accept(node);
            return;
        }
        run.listener.planned(node.snapshot(), tasks.values().stream()
                .filter(t -> t.needed)
                .map(t -> new PlannedNode(node.id + "." + t.task.name(), t.task.name()))
                .toList());
        if (remaining == 0) {
            finish();
            return;
        }
        for (TaskState t : tasks.values()) {
            if (t.needed && t.unresolved == 0) {
                ready.addLast(t);
            }
        }
        drain();
    }

    /** Builds the task graph, the targets, and what the targets need. */
    private void plan() {
        Map<String, DagTask> byName = new LinkedHashMap<>();
        spec().tasks().forEach(t -> byName.put(t.name(), t));
        for (DagTask t : spec().tasks()) {
            tasks.put(t.name(), new TaskState(t, Expressions.dependsOf(t, byName)));
        }
        for (TaskState t : tasks.values()) {
            for (String dep : t.logic == null ? java.util.Set.<String>of() : t.logic.tasks()) {
                TaskState d = tasks.get(dep);
                if (d == null) {
                    throw new IllegalArgumentException("task '" + t.task.name() + "' depends on unknown task '" + dep
                            + "'");
                }
                if (!t.dependencies.contains(d)) {
                    t.dependencies.add(d);
                    d.dependents.add(t);
                }
            }
        }
        String target = Substitution.of(taskVars, "the target of template '" + template.name() + "'")
                .text(spec().target());
        if (target != null && !target.isBlank()) {
            for (String name : target.trim().split("\\s+")) {
                TaskState t = tasks.get(name);
                if (t == null) {
                    throw new IllegalArgumentException("target '" + name + "' is not a task of template '"
                            + template.name() + "'");
                }
                targets.add(t);
            }
        } else {
            tasks.values().stream().filter(t -> t.dependents.isEmpty())
                    .sorted((a, b) -> a.task.name().compareTo(b.task.name())).forEach(targets::add);
        }
        Deque<TaskState> walk = new ArrayDeque<>(targets);
        while (!walk.isEmpty()) {
            TaskState t = walk.pollFirst();
            if (!t.needed) {
                t.needed = true;
                remaining++;
                walk.addAll(t.dependencies);
            }
        }
        for (TaskState t : tasks.values()) {
            t.unresolved = t.dependencies.size();
        }
    }

    /** Considers ready tasks one by one, so long chains of skipped tasks never deepen the stack. */
    private void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            TaskState t;
            while ((t = ready.pollFirst()) != null) {
                consider(t);
            }
        } finally {
            draining = false;
        }
        if (remaining == 0) {
            finish();
        }
    }

    private void consider(TaskState t) {
        String id = node.id + "." + t.task.name();
        if (run.isCancelled()) {
            marker(t, id, NodePhase.OMITTED, "not started: " + run.cancelReason());
            return;
        }
        boolean execute;
        try {
            execute = t.logic == null || t.logic.evaluate((name, result) -> is(tasks.get(name), result));
        } catch (RuntimeException e) {
            marker(t, id, NodePhase.ERROR, "cannot evaluate depends: " + WorkflowExecution.message(e));
            return;
        }
        if (!execute) {
            marker(t, id, NodePhase.OMITTED, "omitted: depends condition not met");
            return;
        }
        launch(t, id);
    }

    private static boolean is(TaskState t, TaskResult result) {
        if (t == null || t.node == null) {
            return false;
        }
        NodePhase p = t.node.phase;
        return switch (result) {
            case SUCCEEDED -> p == NodePhase.SUCCEEDED;
            case FAILED -> p == NodePhase.FAILED;
            case ERRORED -> p == NodePhase.ERROR;
            case SKIPPED -> p == NodePhase.SKIPPED;
            case OMITTED -> p == NodePhase.OMITTED;
            case DAEMONED -> false;
            case ANY_SUCCEEDED -> t.isGroup() && t.items.stream().anyMatch(n -> n.phase == NodePhase.SUCCEEDED);
            case ALL_FAILED -> t.isGroup() && !t.items.isEmpty()
                    && t.items.stream().allMatch(n -> n.phase == NodePhase.FAILED);
        };
    }

    /** What a task that never ran outputs, as Argo does: each output parameter's valueFrom.default. */
    private Map<String, String> outputDefaults(String templateName) {
        Template template = templateName == null ? null : run.workflow.templates().get(templateName);
        if (template == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Parameter p : template.outputs().parameters()) {
            if (p.valueFrom() != null && p.valueFrom().defaultValue() != null) {
                out.put(p.name(), p.valueFrom().defaultValue());
            }
        }
        return out;
    }

    private void marker(TaskState t, String id, NodePhase phase, String message) {
        Node n = run.newNode(id, t.task.name(), node.id, NodeType.SKIPPED, t.task.template());
        n.outputParameters = outputDefaults(t.task.template());
        run.finishWith(n, phase, message);
        complete(t, n);
    }

    private void launch(TaskState t, String id) {
        if (!t.task.hooks().isEmpty()) {
            hooks.watch(t.task.hooks(), id, t.task.name(), node.id, call);
        }
        if (!t.task.isLoop()) {
            runItem(t, t.task, id, t.task.name(), node.id, taskVars, n -> complete(t, n));
            return;
        }
        List<LoopItem> items;
        DagTask task;
        try {
            task = new TemplateSubstitution(Substitution.of(taskVars, "task '" + t.task.name() + "': its loop")::text)
                    .loop(t.task);
            items = LoopExpansion.expand(run, id, task);
        } catch (RuntimeException e) {
            marker(t, id, NodePhase.ERROR, WorkflowExecution.message(e));
            return;
        }
        if (items.isEmpty()) {
            Node n = run.newNode(id, t.task.name(), node.id, NodeType.SKIPPED, t.task.template());
            run.finishWith(n, NodePhase.SKIPPED, "Skipped, empty params");
            complete(t, n);
            return;
        }
        Node group = run.newNode(id, t.task.name(), node.id, NodeType.TASK_GROUP, t.task.template());
        group.phase = NodePhase.RUNNING;
        group.startedAt = run.now();
        run.changed(group);
        t.node = group;
        run.listener.planned(group.snapshot(), items.stream()
                .map(item -> new PlannedNode(node.id + "." + item.nodeName(t.task.name()), item.nodeName(t.task.name())))
                .toList());
        int[] left = {items.size()};
        for (LoopItem item : items) {
            Vars itemVars = taskVars.with(item.variables());
            String itemName = item.nodeName(t.task.name());
            Consumer<Node> itemDone = n -> {
                run.listener.settled(n.snapshot());
                t.addItem(item.index(), n);
                if (--left[0] == 0) {
                    NodePhase phase = NodePhase.SUCCEEDED;
                    for (Node i : t.items) {
                        if (i.phase.isFailure()) {
                            phase = i.phase;
                        }
                    }
                    run.finishWith(group, phase, phase == NodePhase.SUCCEEDED ? null : "child of " + t.task.name()
                            + " " + phase.argoName().toLowerCase(java.util.Locale.ROOT));
                    complete(t, group);
                }
            };
            runItem(t, task, node.id + "." + itemName, itemName, group.id, itemVars, itemDone);
        }
    }

    /**
     * Runs one task (or one item of a loop): its {@code when} first, and only if it says run are its
     * arguments substituted, each text once, from {@code vars}.
     */
    private void runItem(TaskState t, DagTask task, String id, String displayName, String parentId, Vars vars,
            Consumer<Node> onItemDone) {
        boolean proceed;
        try {
            proceed = Expressions.when(task.when(), vars);
        } catch (RuntimeException e) {
            Node n = run.newNode(id, displayName, parentId, NodeType.SKIPPED, task.template());
            run.finishWith(n, NodePhase.ERROR, "task '" + t.task.name() + "': when '" + task.when() + "': "
                    + reason(e));
            onItemDone.accept(n);
            return;
        }
        if (!proceed) {
            Node n = run.newNode(id, displayName, parentId, NodeType.SKIPPED, task.template());
            n.outputParameters = outputDefaults(task.template());
            run.finishWith(n, NodePhase.SKIPPED, "when '" + task.when() + "' evaluated false");
            onItemDone.accept(n);
            return;
        }
        Template target = TaskTemplates.of(task, vars, run.workflow).orElse(null);
        if (target == null) {
            Node n = run.newNode(id, displayName, parentId, NodeType.SKIPPED, task.template());
            run.finishWith(n, NodePhase.ERROR, TaskTemplates.notFound(task, vars));
            onItemDone.accept(n);
            return;
        }
        Arguments arguments;
        try {
            arguments = references.resolve(t.task.name(),
                    new TaskArguments(t.task.name(), vars, this::absence).resolve(task.arguments(), target), vars,
                    target);
        } catch (RuntimeException e) {
            Node n = run.newNode(id, displayName, parentId, WorkflowExecution.typeOf(target), target.name());
            run.finishWith(n, NodePhase.ERROR, WorkflowExecution.message(e));
            onItemDone.accept(n);
            return;
        }
        Call call = this.call.then(t.task.name(), target.name());
        slots.acquire(() -> run.execute(id, displayName, parentId, target, arguments, call, n -> {
            slots.release();
            onItemDone.accept(n);
        }));
    }

    /** An expression error's reason without its offset; other errors' messages. */
    private static String reason(RuntimeException e) {
        return e instanceof io.onepanel.workflow.expr.ExpressionException x ? x.reason() : WorkflowExecution.message(e);
    }

    /**
     * Why {@code variable} has no value, when it names an output of a task of this DAG that has
     * ended without it (skipped, omitted, failed); empty otherwise.
     */
    private Optional<String> absence(String variable) {
        String[] parts = variable.split("\\.");
        if (parts.length < 4 || !(parts[0].equals("tasks") || parts[0].equals("steps"))
                || !parts[2].equals("outputs")) {
            return Optional.empty();
        }
        TaskState producer = tasks.get(parts[1]);
        if (producer == null || producer.node == null || !producer.done) {
            return Optional.empty();
        }
        String output = parts.length > 4 ? "output " + parts[3].replaceAll("s$", "") + " '" + parts[4] + "'"
                : "output " + parts[3];
        return Optional.of("is absent: " + TaskArguments.ended(parts[1], producer.node.phase) + " and has no "
                + output + (producer.node.phase == NodePhase.SKIPPED || producer.node.phase == NodePhase.OMITTED
                        ? " (its template gives no valueFrom.default)" : ""));
    }

    /** A task's node is fulfilled: run its exit handlers (onExit, then hooks.exit), then let its dependents go. */
    private void complete(TaskState t, Node n) {
        t.node = n;
        boolean exits = n.isCompleted() && !run.isCancelled();
        LifecycleHook exitHook = t.task.hooks().get(LifecycleHook.EXIT);
        Runnable afterOnExit = () -> {
            if (exitHook != null && exits && !run.isCancelled()) {
                hooks.runNow(LifecycleHook.EXIT, exitHook, n.id, t.task.name(), node.id, call,
                        taskVars.with(t.variables("tasks")), h -> fulfilled(t));
            } else {
                fulfilled(t);
            }
        };
        String hook = t.task.onExit();
        if (hook != null && exits) {
            Template exit = run.workflow.templates().get(hook);
            if (exit != null) {
                run.execute(n.id + ".onExit", t.task.name() + ".onExit", node.id, exit, Arguments.EMPTY,
                        call.then(t.task.name() + ".onExit", exit.name()), h -> afterOnExit.run());
                return;
            }
        }
        afterOnExit.run();
    }

    private void fulfilled(TaskState t) {
        t.done = true;
        if (t.node != null) {
            run.listener.settled(t.node.snapshot());
        }
        completedVars.putAll(t.variables("tasks"));
        if (spec().fromSteps()) {
            completedVars.putAll(t.variables("steps"));
        }
        if (t.needed) {
            remaining--;
        }
        for (TaskState d : t.dependents) {
            if (d.needed && --d.unresolved == 0) {
                ready.addLast(d);
            }
        }
        drain();
    }

    private void finish() {
        if (finished) {
            return;
        }
        if (!hooksClosed) {
            hooksClosed = true;
            hooks.close(); // a last look: hooks whose condition holds as the DAG ends still run
        }
        if (hooks.running() > 0) {
            return; // the DAG ends when its last hook has
        }
        finished = true;
        NodePhase phase = PhaseAssessment.assess(tasks.values(), targets, spec().isFailFast());
        String message = null;
        if (phase.isFailure()) {
            message = targets.stream().filter(t -> t.node != null && t.node.phase.isFailure()).findFirst()
                    .map(t -> shorten("task '" + t.task.name() + "' "
                            + t.node.phase.argoName().toLowerCase(java.util.Locale.ROOT)
                            + (t.node.message != null ? ": " + t.node.message : "")))
                    .orElse("a branch of the DAG failed");
        }
        if (run.isCancelled()) {
            phase = NodePhase.FAILED;
            message = run.cancelReason();
        }
        if (phase == NodePhase.SUCCEEDED) {
            try {
                collectOutputs();
            } catch (RuntimeException e) {
                phase = NodePhase.ERROR;
                message = "cannot collect the outputs of template '" + template.name() + "': "
                        + WorkflowExecution.message(e);
            }
        }
        run.finishWith(node, phase, message);
        onDone.accept(node);
    }

    /**
     * A failure message that nested DAGs have prefixed level by level, cut in the middle when long:
     * its start says where, its end says why.
     */
    static String shorten(String message) {
        return message.length() <= 600 ? message : message.substring(0, 150) + " … " + message.substring(
                message.length() - 440);
    }

    private void collectOutputs() {
        node.outputParameters = DagOutputParameters.collect(template, taskVars, run::exportGlobal);
        List<Artifact> artifacts = new ArrayList<>();
        for (Artifact a : template.outputs().artifacts()) {
            Optional<Artifact> out = references.resolve(a, taskVars);
            out.ifPresent(artifacts::add);
            if (out.isPresent() && a.globalName() != null) {
                run.exportGlobalArtifact(a.globalName(), out.get());
            }
        }
        node.outputArtifacts = artifacts;
    }
}
