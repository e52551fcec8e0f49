package io.onepanel.workflow.validate;

import io.onepanel.workflow.diagnostics.ClosestName;
import io.onepanel.workflow.diagnostics.Diagnostics;
import io.onepanel.workflow.diagnostics.SourcePosition;
import io.onepanel.workflow.expr.DependsExpression;
import io.onepanel.workflow.expr.ExpressionException;
import io.onepanel.workflow.template.DagTask;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.TemplateRef;
import io.onepanel.workflow.template.TemplateReferences;
import io.onepanel.workflow.template.TemplateType;
import io.onepanel.workflow.template.Workflow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The workflow's shape: an entrypoint that is a DAG, every template a task names exists and is of
 * a type that runs here, task names unique, dependencies known, no cycles.
 */
final class StructureCheck {

    private final Workflow workflow;
    private final Diagnostics out;

    StructureCheck(Workflow workflow, Diagnostics out) {
        this.workflow = workflow;
        this.out = out;
    }

    /**
     * Templates reached from the entrypoint and exit handlers, in the order reached. Kept by name:
     * a template's record hash walks its whole DAG and its fabric8 objects, and a Quantity that
     * does not parse throws from hashCode.
     */
    Collection<Template> run() {
        Map<String, Template> reached = new LinkedHashMap<>();
        checkTemplateNames();
        String entrypoint = workflow.entrypoint();
        SourcePosition entryAt = workflow.positions().of("entrypoint");
        if (entrypoint == null || entrypoint.isBlank()) {
            out.error(workflow.positions().start(), "missing-entrypoint", "the workflow has no 'entrypoint'; expected"
                    + " the name of a DAG template" + candidates(TemplateType.DAG));
        } else {
            Template entry = workflow.templates().get(entrypoint);
            if (entry == null) {
                out.error(entryAt, "unknown-template", "entrypoint template '" + entrypoint + "' not found"
                        + ClosestName.hint(entrypoint, workflow.templates().keySet()));
            } else if (entry.type() == TemplateType.STEPS) {
                out.error(entryAt, "entrypoint-not-dag", "entrypoint '" + entrypoint + "' is a steps template;"
                        + " Onepanel workflows start with a DAG: write it as 'dag: tasks:' with dependencies");
            } else if (entry.type() != TemplateType.DAG) {
                out.error(entryAt, "entrypoint-not-dag", "entrypoint '" + entrypoint + "' is a "
                        + describe(entry.type()) + " template; Onepanel workflows start with a DAG template"
                        + candidates(TemplateType.DAG));
            } else {
                walk(entry, reached);
            }
        }
        if (workflow.onExit() != null) {
            Template exit = workflow.templates().get(workflow.onExit());
            SourcePosition at = workflow.positions().of("onExit");
            if (exit == null) {
                out.error(at, "unknown-template", "onExit template '" + workflow.onExit() + "' not found"
                        + ClosestName.hint(workflow.onExit(), workflow.templates().keySet()));
            } else {
                if (exit.type() != TemplateType.DAG) {
                    out.error(at, "onexit-not-dag", "onExit template '" + workflow.onExit() + "' is a "
                            + describe(exit.type()) + " template; Onepanel requires the exit handler to be a DAG");
                }
                walk(exit, reached);
            }
        }
        return List.copyOf(reached.values());
    }

    /**
     * The shape of a library of WorkflowTemplates, used only through {@code templateRef}: every
     * template is checked as if reached, and no entrypoint is needed.
     */
    Collection<Template> runLibrary() {
        Map<String, Template> reached = new LinkedHashMap<>();
        checkTemplateNames();
        for (Template t : workflow.templates().values()) {
            walk(t, reached);
        }
        return List.copyOf(reached.values());
    }

    private void checkTemplateNames() {
        for (Template t : workflow.templates().values()) {
            if (t.name().contains(".") || t.name().contains(":")) {
                continue; // made by the engine for inline templates and templateRefs
            }
            String problem = NamingRules.argoName(t.name());
            if (problem != null) {
                out.error(t.positions().of("name"), "invalid-name", "template name '" + t.name() + "' " + problem);
            }
        }
    }

    private void walk(Template start, Map<String, Template> reached) {
        Deque<Template> todo = new ArrayDeque<>();
        todo.add(start);
        while (!todo.isEmpty()) {
            Template t = todo.pollFirst();
            if (reached.putIfAbsent(t.name(), t) != null) {
                continue;
            }
            checkType(t);
            if (t.dag() == null) {
                continue;
            }
            checkDag(t);
            for (DagTask task : t.dag().tasks()) {
                if (task.templateRef() != null && TemplateReferences.isTemplated(task.templateRef())) {
                    todo.addAll(TemplateReferences.candidates(task.templateRef(), workflow.templates()));
                }
                for (String name : new String[] {task.template(), task.onExit()}) {
                    Template next = name == null ? null : workflow.templates().get(name);
                    if (next != null) {
                        todo.add(next);
                    }
                }
            }
        }
    }

    private void checkType(Template t) {
        SourcePosition at = t.positions().of("name");
        if (t.type() == TemplateType.NONE) {
            out.error(at, "no-template-type", "template '" + t.name() + "' has no body; expected one of dag,"
                    + " container, script or suspend");
        } else if (!t.type().isSupported() && t.type() != TemplateType.STEPS) {
            out.error(t.positions().of(t.type().key()), "unsupported-template", "template '" + t.name() + "' is a "
                    + describe(t.type()) + " template, which onepanel-workflow does not support; supported: dag,"
                    + " container, script, suspend (and steps below a DAG)");
        }
        if (Boolean.TRUE.equals(t.daemon())) {
            // A daemon runs beside the tasks that use it until its DAG ends; without that lifecycle the
            // run would wait for a server that never exits.
            out.error(t.positions().of("daemon"), "unsupported-daemon", "template '" + t.name()
                    + "' is a daemon (daemon: true), a service kept running for later tasks, which"
                    + " onepanel-workflow does not support; run the service as a sidecar of the task that uses it");
        }
        if (t.type().runsPod() && t.mainContainer() != null && (t.mainContainer().getImage() == null
                || t.mainContainer().getImage().isBlank())) {
            out.error(t.positions().of(t.type().key()), "missing-image", "template '" + t.name()
                    + "' has no image");
        }
    }

    private void checkDag(Template t) {
        List<DagTask> tasks = t.dag().tasks();
        Map<String, DagTask> byName = new LinkedHashMap<>();
        for (DagTask task : tasks) {
            SourcePosition at = task.positions().of("name");
            if (byName.containsKey(task.name())) {
                out.error(at, "duplicate-name", "task '" + task.name() + "' appears twice in template '" + t.name()
                        + "'; first at " + byName.get(task.name()).positions().of("name"));
                continue;
            }
            byName.put(task.name(), task);
            if (!t.dag().fromSteps()) {
                String problem = NamingRules.argoName(task.name());
                if (problem != null && !task.name().isEmpty()) {
                    out.error(at, "invalid-name", "task name '" + task.name() + "' " + problem);
                }
            }
        }
        if (tasks.isEmpty() && t.dag().fromSteps() == false) {
            out.error(t.positions().of("dag"), "empty-dag", "the dag of template '" + t.name() + "' has no tasks");
        }
        Map<String, List<String>> edges = new HashMap<>();
        for (DagTask task : byName.values()) {
            edges.put(task.name(), dependencies(task, byName, t));
            checkTaskTemplate(task);
        }
        cycles(edges, byName);
        if (t.dag().target() != null && !t.dag().target().contains("{{")) {
            String targets = t.dag().target();
            java.util.regex.Matcher each = java.util.regex.Pattern.compile("\\S+").matcher(targets);
            while (each.find()) {
                String target = each.group();
                if (!byName.containsKey(target)) {
                    out.error(TextPosition.of(t.dag().positions().of("target"), targets, each.start()), "unknown-task",
                            "target '" + target
                            + "' is not a task of template '" + t.name() + "'"
                            + ClosestName.hint(target, byName.keySet()));
                }
            }
        }
    }

    private List<String> dependencies(DagTask task, Map<String, DagTask> byName, Template owner) {
        List<String> deps = new ArrayList<>();
        boolean hasDepends = task.depends() != null && !task.depends().isBlank();
        boolean hasDependencies = !task.dependencies().isEmpty() && !owner.dag().fromSteps();
        if (hasDepends && hasDependencies) {
            out.error(task.positions().of("depends"), "depends-and-dependencies", "task '" + task.name()
                    + "' has both 'depends' and 'dependencies'; use one ('depends' can say everything"
                    + " 'dependencies' can)");
        }
        if (hasDepends) {
            SourcePosition at = task.positions().of("depends");
            try {
                DependsExpression logic = DependsExpression.parse(task.depends());
                for (DependsExpression.Operand op : logic.operands()) {
                    if (!byName.containsKey(op.task())) {
                        out.error(TextPosition.of(at, task.depends(), op.offset()), "unknown-task", "task '"
                                + task.name() + "' depends on '" + op.task() + "', which is not a task of template '"
                                + owner.name() + "'" + ClosestName.hint(op.task(), byName.keySet()));
                    } else if (!deps.contains(op.task())) {
                        deps.add(op.task());
                    }
                }
            } catch (ExpressionException e) {
                out.error(TextPosition.of(at, task.depends(), e.offset()), "invalid-depends", "depends of task '"
                        + task.name() + "': " + e.reason());
            }
        } else {
            for (int i = 0; i < task.dependencies().size(); i++) {
                String dep = task.dependencies().get(i);
                if (!byName.containsKey(dep)) {
                    String item = "dependencies." + i;
                    SourcePosition at = task.positions().has(item) ? task.positions().of(item)
                            : task.positions().of("dependencies");
                    out.error(at, "unknown-task", "task '" + task.name()
                            + "' depends on '" + dep + "', which is not a task of template '" + owner.name() + "'"
                            + ClosestName.hint(dep, byName.keySet()));
                } else if (!deps.contains(dep)) {
                    deps.add(dep);
                }
            }
        }
        if (deps.contains(task.name())) {
            out.error(task.positions().of(hasDepends ? "depends" : "dependencies"), "cycle", "task '" + task.name()
                    + "' depends on itself");
        }
        return deps;
    }

    private void checkTaskTemplate(DagTask task) {
        TemplateRef ref = task.templateRef();
        String kind = ref == null ? null : ref.clusterScope() ? "ClusterWorkflowTemplate" : "WorkflowTemplate";
        if (ref != null && TemplateReferences.isTemplated(ref)) {
            if (TemplateReferences.candidates(ref, workflow.templates()).isEmpty()) {
                out.error(task.positions().of("templateRef"), "unresolved-template-ref", "task '" + task.name()
                        + "' uses templateRef " + ref.name() + "/" + ref.template() + ", whose names are resolved"
                        + " as the task runs (for each loop item), but no loaded " + kind + " has a template they"
                        + " can name: put the " + kind + "s it names in the same file (after '---') or pass"
                        + " their files with --library");
            }
            return;
        }
        if (ref != null && (task.template() == null || !workflow.templates().containsKey(task.template()))) {
            out.error(task.positions().of("templateRef"), "unresolved-template-ref", "task '" + task.name()
                    + "' uses templateRef " + ref.name() + "/" + ref.template() + ", which is not loaded: put"
                    + " that " + kind + " in the same file (after '---') or pass its file with --library");
            return;
        }
        if (task.template() == null) {
            out.error(task.positions().start(), "missing-template", "task '" + task.name()
                    + "' names no 'template' (or templateRef or inline)");
        } else if (!workflow.templates().containsKey(task.template())) {
            out.error(task.positions().of("template"), "unknown-template", "template '" + task.template()
                    + "' not found" + ClosestName.hint(task.template(), workflow.templates().keySet()));
        }
        if (task.onExit() != null && !workflow.templates().containsKey(task.onExit())) {
            out.error(task.positions().of("onExit"), "unknown-template", "onExit template '" + task.onExit()
                    + "' of task '" + task.name() + "' not found"
                    + ClosestName.hint(task.onExit(), workflow.templates().keySet()));
        }
    }

    /** Reports each cycle once, naming its tasks in order: A -> B -> C -> A. */
    private void cycles(Map<String, List<String>> edges, Map<String, DagTask> byName) {
        Map<String, Integer> state = new HashMap<>(); // 1 = on the stack, 2 = finished
        for (String start : edges.keySet()) {
            if (state.containsKey(start)) {
                continue;
            }
            // Iterative DFS: a 100,000-task chain must not overflow the stack.
            Deque<String> path = new ArrayDeque<>();
            Deque<java.util.Iterator<String>> iters = new ArrayDeque<>();
            path.push(start);
            iters.push(edges.get(start).iterator());
            state.put(start, 1);
            while (!path.isEmpty()) {
                java.util.Iterator<String> it = iters.peek();
                if (it.hasNext()) {
                    String next = it.next();
                    Integer s = state.get(next);
                    if (s == null) {
                        state.put(next, 1);
                        path.push(next);
                        iters.push(edges.getOrDefault(next, List.of()).iterator());
                    } else if (s == 1 && !next.equals(path.peek())) {
                        reportCycle(path, next, byName);
                    }
                } else {
                    state.put(path.pop(), 2);
                    iters.pop();
                }
            }
        }
    }

    private void reportCycle(Deque<String> path, String backTo, Map<String, DagTask> byName) {
        List<String> cycle = new ArrayList<>();
        for (String name : path) { // stack order: newest first
            cycle.add(0, name);
            if (name.equals(backTo)) {
                break;
            }
        }
        cycle.add(backTo);
        // Dependencies point backwards; show the order in which the tasks would have to run.
        java.util.Collections.reverse(cycle);
        DagTask first = byName.get(backTo);
        out.error(cycleEdge(first, cycle.get(cycle.size() - 2)), "cycle",
                "dependency cycle: " + String.join(" -> ", cycle));
    }

    /** Where {@code task} names {@code dependency}: the item of its dependencies or the operand of its depends. */
    private static SourcePosition cycleEdge(DagTask task, String dependency) {
        if (task.depends() != null && !task.depends().isBlank()) {
            SourcePosition at = task.positions().of("depends");
            try {
                for (DependsExpression.Operand op : DependsExpression.parse(task.depends()).operands()) {
                    if (op.task().equals(dependency)) {
                        return TextPosition.of(at, task.depends(), op.offset());
                    }
                }
            } catch (ExpressionException e) {
                return at;
            }
            return at;
        }
        int i = task.dependencies().indexOf(dependency);
        String item = "dependencies." + i;
        return task.positions().has(item) ? task.positions().of(item) : task.positions().of("dependencies");
    }

    private String candidates(TemplateType type) {
        List<String> names = workflow.templates().values().stream().filter(t -> t.type() == type)
                .map(Template::name).toList();
        return names.isEmpty() ? "" : " (" + type.key() + " templates here: " + String.join(", ", names) + ")";
    }

    private static String describe(TemplateType type) {
        return type == TemplateType.NONE ? "typeless" : type.key();
    }
}
