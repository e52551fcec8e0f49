package io.onepanel.workflow.dag;

import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeType;
import io.onepanel.workflow.expr.ExpressionException;
import io.onepanel.workflow.expr.UnresolvedVariableException;
import io.onepanel.workflow.template.Arguments;
import io.onepanel.workflow.template.LifecycleHook;
import io.onepanel.workflow.template.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Lifecycle hooks of one owner (the workflow, or the tasks of one DAG). A named hook runs once,
 * beside its owner, the first time its expression holds; the expression is checked whenever a node
 * of the run changes. An {@code exit} hook runs when its owner ends ({@link #runNow}). The owner waits
 * for its running hooks before it ends ({@link #running()}).
 */
final class ExpressionHooks {

    /** A named hook that has not fired yet. */
    private record Pending(String name, LifecycleHook hook, String ownerId, String ownerName, String parentId,
            Call call) {}

    private final WorkflowExecution run;
    private final Supplier<Vars> scope;
    private final Runnable idle;
    private final List<Pending> pending = new ArrayList<>();
    private int running;
    private boolean closed;

    /**
     * @param scope the variables a hook's expression and arguments see now (live task statuses included)
     * @param idle called when the last running hook has ended
     */
    ExpressionHooks(WorkflowExecution run, Supplier<Vars> scope, Runnable idle) {
        this.run = run;
        this.scope = scope;
        this.idle = idle;
    }

    /** Watches the named hooks of an owner that has started. */
    void watch(java.util.Map<String, LifecycleHook> hooks, String ownerId, String ownerName, String parentId,
            Call call) {
        boolean first = pending.isEmpty();
        hooks.forEach((name, hook) -> {
            if (!name.equals(LifecycleHook.EXIT)) {
                pending.add(new Pending(name, hook, ownerId, ownerName, parentId, call));
            }
        });
        if (first && !pending.isEmpty()) {
            run.watch(this::check);
        }
    }

    /** Checks every pending hook once more; false when none is left to watch. */
    boolean check() {
        if (closed) {
            return false;
        }
        Vars vars = scope.get();
        for (Pending p : List.copyOf(pending)) {
            boolean fire;
            try {
                fire = Boolean.TRUE.equals(Expressions.evaluate(p.hook.expression(), vars));
            } catch (UnresolvedVariableException e) {
                continue; // what it asks about has not happened yet
            } catch (ExpressionException e) {
                pending.remove(p);
                failed(p.ownerId + ".hooks." + p.name, p.ownerName + ".hooks." + p.name, p.parentId,
                        "hook '" + p.name + "' of " + p.ownerName + ": expression '" + p.hook.expression() + "': "
                                + e.reason(), n -> { });
                continue;
            }
            if (fire) {
                pending.remove(p);
                running++;
                runNow(p.name, p.hook, p.ownerId, p.ownerName, p.parentId, p.call, vars, n -> {
                    running--;
                    if (running == 0) {
                        idle.run();
                    }
                });
            }
        }
        return !pending.isEmpty();
    }

    /** The owner has ended: hooks that have not fired by now never will. */
    void close() {
        check();
        closed = true;
        pending.clear();
    }

    int running() {
        return running;
    }

    /** Runs {@code hook} as node {@code ownerId.hooks.name}; {@code onDone} hears its node. */
    void runNow(String name, LifecycleHook hook, String ownerId, String ownerName, String parentId, Call call,
            Vars vars, Consumer<Node> onDone) {
        String id = ownerId + ".hooks." + name;
        String display = ownerName + ".hooks." + name;
        if (hook.template() == null) {
            failed(id, display, parentId, "hook '" + name + "' of " + ownerName + " names no template"
                    + (hook.templateRef() != null ? " (templateRef in hooks is not supported; name a template of"
                            + " this workflow)" : ""), onDone);
            return;
        }
        Template target = run.workflow.templates().get(hook.template());
        if (target == null) {
            failed(id, display, parentId, "hook '" + name + "' of " + ownerName + ": template '" + hook.template()
                    + "' not found", onDone);
            return;
        }
        Arguments arguments;
        try {
            arguments = new TaskArguments(display, vars, variable -> Optional.empty()).resolve(hook.arguments(),
                    target);
        } catch (RuntimeException e) {
            failed(id, display, parentId, WorkflowExecution.message(e), onDone);
            return;
        }
        run.execute(id, display, parentId, target, arguments, call.then(display, target.name()), onDone);
    }

    private void failed(String id, String display, String parentId, String message, Consumer<Node> onDone) {
        Node n = run.newNode(id, display, parentId, NodeType.SKIPPED, null);
        run.finishWith(n, NodePhase.ERROR, message);
        onDone.accept(n);
    }
}
