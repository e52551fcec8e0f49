package io.onepanel.workflow.validate;

import io.onepanel.workflow.diagnostics.ClosestName;
import io.onepanel.workflow.diagnostics.Diagnostics;
import io.onepanel.workflow.diagnostics.SourcePosition;
import io.onepanel.workflow.expr.DependsExpression;
import io.onepanel.workflow.expr.Dialect;
import io.onepanel.workflow.expr.Expression;
import io.onepanel.workflow.expr.ExpressionException;
import io.onepanel.workflow.expr.Tag;
import io.onepanel.workflow.expr.TemplateText;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.DagTask;
import io.onepanel.workflow.template.Parameter;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.TemplateType;
import io.onepanel.workflow.template.Workflow;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every {@code {{...}}} must name something that can exist where it stands: a declared input, a
 * workflow parameter, an output of a task that runs before (an ancestor), a loop item inside a
 * loop. Expressions must parse.
 */
final class VariableCheck {

    private static final Set<String> WORKFLOW_FIELDS = Set.of("name", "namespace", "uid", "creationTimestamp",
            "serviceAccountName", "mainEntrypoint", "duration", "priority", "status", "failures", "parameters");
    private static final Set<String> TASK_FIELDS = Set.of("id", "status", "exitCode", "startedAt", "finishedAt",
            "ip", "hostNodeName", "outputs");
    private static final Set<String> KNOWN_ROOTS = Set.of("inputs", "outputs", "workflow", "tasks", "steps", "pod",
            "item", "retries", "node", "lastRetry");

    private final Workflow workflow;
    private final Diagnostics out;
    private final Set<String> workflowParameters = new LinkedHashSet<>();
    private final Set<String> globalNames = new HashSet<>();

    VariableCheck(Workflow workflow, Diagnostics out) {
        this.workflow = workflow;
        this.out = out;
        workflow.arguments().parameters().forEach(p -> workflowParameters.add(p.name()));
        for (Template t : workflow.templates().values()) {
            t.outputs().parameters().forEach(p -> {
                if (p.globalName() != null) {
                    globalNames.add(p.globalName());
                }
            });
        }
    }

    /** What a reference may name at one point. */
    private record Scope(Template template, Map<String, DagTask> tasks, DagTask task, Ancestry ancestry,
            boolean inLoop, boolean anyTask, String taskPrefix) {}

    /**
     * Which tasks of one DAG run before which: each task's dependencies parsed once, and a
     * reference to a direct dependency (the common case) answered without a walk, so a DAG of
     * 100,000 tasks that each read their predecessor's output is checked in linear time.
     */
    private static final class Ancestry {
        private final Map<String, Collection<String>> dependencies = new HashMap<>();

        Ancestry(Collection<DagTask> tasks) {
            for (DagTask task : tasks) {
                dependencies.putIfAbsent(task.name(), VariableCheck.dependencies(task));
            }
        }

        /** Whether {@code candidate} runs before {@code task}: reached by walking its dependencies. */
        boolean isAncestor(String candidate, DagTask task) {
            Collection<String> direct = dependencies.getOrDefault(task.name(), List.of());
            if (direct.contains(candidate)) {
                return true;
            }
            Deque<String> todo = new ArrayDeque<>(direct);
            Set<String> seen = new HashSet<>(direct);
            while (!todo.isEmpty()) {
                String name = todo.pollFirst();
                if (name.equals(candidate)) {
                    return true;
                }
                for (String next : dependencies.getOrDefault(name, List.of())) {
                    if (seen.add(next)) {
                        todo.add(next);
                    }
                }
            }
            return false;
        }
    }

    void check(Collection<Template> templates) {
        for (Template t : templates) {
            Scope body = new Scope(t, Map.of(), null, null, false, false, "tasks");
            for (TextSite site : TextSites.ofTemplate(t)) {
                checkSite(site, body);
            }
            if (t.dag() == null) {
                continue;
            }
            Map<String, DagTask> byName = new HashMap<>();
            t.dag().tasks().forEach(task -> byName.putIfAbsent(task.name(), task));
            String prefix = t.dag().fromSteps() ? "steps" : "tasks";
            Ancestry ancestry = new Ancestry(t.dag().tasks());
            for (DagTask task : t.dag().tasks()) {
                Scope scope = new Scope(t, byName, task, ancestry, task.isLoop(), false, prefix);
                for (TextSite site : TextSites.ofTask(task)) {
                    checkSite(site, scope);
                }
                checkWhen(task);
                checkWithParam(task);
            }
            Scope outputs = new Scope(t, byName, null, null, false, true, prefix);
            for (TextSite site : TextSites.ofDagOutputs(t)) {
                checkSite(site, outputs);
            }
        }
    }

    private void checkSite(TextSite site, Scope scope) {
        int nul = site.text() == null ? -1 : site.text().indexOf('\0');
        if (nul >= 0) {
            // No command line, argument or environment of a process can carry one (C strings end there).
            out.error(TextPosition.of(site.at(), site.text(), nul), "nul-character", site.what()
                    + " holds a NUL character (\\0); a command, its arguments and its environment cannot carry one");
        }
        List<Tag> tags;
        try {
            tags = TemplateText.scan(site.text());
        } catch (ExpressionException e) {
            out.error(TextPosition.of(site.at(), site.text(), e.offset()), "invalid-tag", site.what() + ": "
                    + e.reason());
            return;
        }
        for (Tag tag : tags) {
            SourcePosition at = TextPosition.of(site.at(), site.text(), tag.start());
            if (tag.isExpression()) {
                try {
                    Expression.parse(tag.expression(), Dialect.EXPR);
                } catch (ExpressionException e) {
                    // At the problem inside the expression, not at the tag's braces.
                    int problem = tag.expressionStart() + Math.max(0, Math.min(e.offset(), tag.expression().length()));
                    out.error(TextPosition.of(site.at(), site.text(), problem), "invalid-expression", site.what()
                            + ": expression '" + tag.expression() + "': " + e.reason());
                }
                continue;
            }
            if (tag.expression().startsWith(".")) {
                continue; // a Go-template placeholder of Onepanel's: the loader reports it where it stands
            }
            String problem = problem(tag.expression(), scope);
            if (problem == null) {
                artifactWithoutPath(site, tag, at);
                continue;
            }
            String root = tag.expression().contains(".") ? tag.expression().substring(0, tag.expression().indexOf('.'))
                    : tag.expression();
            if (KNOWN_ROOTS.contains(root)) {
                out.error(at, "unknown-variable", site.what() + ": {{" + tag.expression() + "}} " + problem);
            } else {
                out.warning(at, "unknown-variable", site.what() + ": {{" + tag.expression()
                        + "}} is not a variable Argo knows; it will be left as written");
            }
        }
    }

    /**
     * {@code {{inputs.artifacts.NAME}}} names an artifact where an artifact is expected ({@code from});
     * inside other text Argo leaves it as written, as only its {@code .path} is a text variable.
     */
    private void artifactWithoutPath(TextSite site, Tag tag, SourcePosition at) {
        String[] parts = tag.expression().split("\\.");
        if (parts.length == 3 && parts[0].equals("inputs") && parts[1].equals("artifacts") && !site.reference()) {
            out.warning(at, "artifact-without-path", site.what() + ": {{" + tag.expression() + "}} names an"
                    + " artifact, which Argo does not put into text: it stays as written; to insert where the"
                    + " artifact is, write {{" + tag.expression() + ".path}}");
        }
    }

    /** Null if the name can resolve here, else why not. */
    private String problem(String name, Scope s) {
        String[] parts = name.split("\\.");
        Template t = s.template();
        switch (parts[0]) {
            case "inputs" -> {
                if (parts.length == 2 && parts[1].equals("parameters")) {
                    return null;
                }
                if (parts.length >= 3 && parts[1].equals("parameters")) {
                    String p = name.substring("inputs.parameters.".length());
                    return declared(t.inputs().parameters().stream().map(Parameter::name).toList(), p,
                            "input parameter", t);
                }
                if (parts.length >= 3 && parts[1].equals("artifacts")) {
                    String a = parts[2];
                    return declared(t.inputs().artifacts().stream().map(Artifact::name).toList(), a,
                            "input artifact", t);
                }
                return "is not a variable; expected inputs.parameters.NAME or inputs.artifacts.NAME.path";
            }
            case "outputs" -> {
                if (parts.length >= 3 && parts[1].equals("parameters")) {
                    return declared(t.outputs().parameters().stream().map(Parameter::name).toList(), parts[2],
                            "output parameter", t);
                }
                if (parts.length >= 3 && parts[1].equals("artifacts")) {
                    return declared(t.outputs().artifacts().stream().map(Artifact::name).toList(), parts[2],
                            "output artifact", t);
                }
                return "is not a variable; expected outputs.parameters.NAME.path or outputs.artifacts.NAME.path";
            }
            case "workflow" -> {
                return workflowProblem(name, parts);
            }
            case "item" -> {
                return s.inLoop() ? null : "is only defined in a task with withItems, withParam or withSequence";
            }
            case "node" -> {
                return name.equals("node.name") ? null
                        : "is not a variable; Argo's only node variable is {{node.name}}, the node's full name";
            }
            case "pod", "retries", "lastRetry" -> {
                return null;
            }
            case "tasks", "steps" -> {
                return taskProblem(name, parts, s);
            }
            default -> {
                return "is unknown";
            }
        }
    }

    private String workflowProblem(String name, String[] parts) {
        if (parts.length == 1) {
            return "is not a variable";
        }
        if (parts[1].equals("parameters") && parts.length >= 3) {
            String p = name.substring("workflow.parameters.".length());
            if (p.equals("json") || workflowParameters.contains(p)) {
                return null;
            }
            return "names a workflow parameter that is not declared in 'arguments'"
                    + ClosestName.hint(p, workflowParameters);
        }
        if (parts[1].equals("outputs")) {
            if (parts.length >= 4 && parts[2].equals("parameters") && !globalNames.contains(parts[3])) {
                return "names a global output no template exports (globalName)" + ClosestName.hint(parts[3], globalNames);
            }
            return null;
        }
        if (parts[1].equals("labels") || parts[1].equals("annotations") || parts[1].equals("creationTimestamp")) {
            return null;
        }
        return WORKFLOW_FIELDS.contains(parts[1]) ? null
                : "is not a workflow variable" + ClosestName.hint(parts[1], WORKFLOW_FIELDS);
    }

    private String taskProblem(String name, String[] parts, Scope s) {
        if (s.tasks().isEmpty()) {
            return "names a task, but only DAG tasks and DAG outputs can refer to tasks; give this template an input"
                    + " parameter and pass the value in the arguments of the task that calls it";
        }
        if (!parts[0].equals(s.taskPrefix()) && !(parts[0].equals("tasks") && s.taskPrefix().equals("steps"))) {
            return "names " + parts[0] + ", but this template is a " + (s.taskPrefix().equals("steps") ? "steps" : "dag")
                    + " template: use {{" + s.taskPrefix() + "." + name.substring(parts[0].length() + 1) + "}}";
        }
        if (parts.length < 3) {
            return "is not a variable; expected " + parts[0] + ".NAME.outputs.result, .outputs.parameters.NAME, .status...";
        }
        String taskName = parts[1];
        DagTask producer = s.tasks().get(taskName);
        if (producer == null) {
            return "names task '" + taskName + "', which is not in template '" + s.template().name() + "'"
                    + ClosestName.hint(taskName, s.tasks().keySet());
        }
        if (!TASK_FIELDS.contains(parts[2])) {
            return "is not a task variable" + ClosestName.hint(parts[2], TASK_FIELDS);
        }
        if (!s.anyTask() && !s.ancestry().isAncestor(taskName, s.task())) {
            return "names task '" + taskName + "', which task '" + s.task().name() + "' does not depend on; add it to"
                    + " its depends so it runs first";
        }
        if (parts[2].equals("outputs") && parts.length >= 4) {
            return outputProblem(producer, parts);
        }
        return null;
    }

    private String outputProblem(DagTask producer, String[] parts) {
        Template t = producer.template() == null ? null : workflow.templates().get(producer.template());
        if (t == null || producer.isLoop()) {
            return null; // reported elsewhere, or aggregated outputs of a loop
        }
        switch (parts[3]) {
            case "result" -> {
                // A template type that does not run here (http, data, ...) already has its one error; Argo
                // gives some of them a result, so saying it has none would be wrong as well as noise.
                return t.type() == TemplateType.CONTAINER || t.type() == TemplateType.SCRIPT
                        || !t.type().isSupported() && t.type() != TemplateType.STEPS ? null
                        : "names the result of task '" + producer.name() + "', but its template '" + t.name()
                                + "' is a " + t.type().key() + " template, which has no result";
            }
            case "parameters" -> {
                if (parts.length < 5) {
                    return null;
                }
                List<String> names = t.outputs().parameters().stream().map(Parameter::name).toList();
                return names.contains(parts[4]) ? null : "names output parameter '" + parts[4] + "' of task '"
                        + producer.name() + "', but template '" + t.name() + "' declares no such output"
                        + hintOrList(parts[4], names);
            }
            case "artifacts" -> {
                if (parts.length < 5) {
                    return null;
                }
                List<String> names = t.outputs().artifacts().stream().map(Artifact::name).toList();
                return names.contains(parts[4]) ? null : "names output artifact '" + parts[4] + "' of task '"
                        + producer.name() + "', but template '" + t.name() + "' declares no such output"
                        + hintOrList(parts[4], names);
            }
            case "exitCode" -> {
                return null;
            }
            default -> {
                return "is not a task output; expected outputs.result, outputs.parameters.NAME or"
                        + " outputs.artifacts.NAME";
            }
        }
    }

    private static Collection<String> dependencies(DagTask task) {
        if (task.depends() != null && !task.depends().isBlank()) {
            try {
                return DependsExpression.parse(task.depends()).tasks();
            } catch (ExpressionException e) {
                return List.of();
            }
        }
        return task.dependencies();
    }

    private void checkWhen(DagTask task) {
        if (task.when() == null || task.when().isBlank()) {
            return;
        }
        String masked;
        try {
            masked = mask(task.when());
        } catch (ExpressionException e) {
            return; // the tag itself was reported
        }
        try {
            Expression.parse(masked, Dialect.WHEN);
        } catch (ExpressionException e) {
            out.error(TextPosition.of(task.positions().of("when"), task.when(), Math.min(e.offset(),
                    task.when().length())), "invalid-when", "when of task '" + task.name() + "': " + e.reason());
        }
    }

    private void checkWithParam(DagTask task) {
        String p = task.withParam();
        if (p == null || p.contains("{{")) {
            return;
        }
        String trimmed = p.trim();
        if (!trimmed.startsWith("[")) {
            out.error(task.positions().of("withParam"), "invalid-loop", "withParam of task '" + task.name()
                    + "' must be a JSON list or a {{...}} that gives one, not '" + abbreviate(trimmed) + "'");
        }
    }

    /** The text with every tag replaced by a plain word of the same length, so offsets still match. */
    private static String mask(String text) {
        StringBuilder b = new StringBuilder(text);
        for (Tag tag : TemplateText.scan(text)) {
            for (int i = tag.start(); i < tag.end(); i++) {
                b.setCharAt(i, 'x');
            }
        }
        return b.toString();
    }

    private static String declared(List<String> names, String name, String kind, Template t) {
        return names.contains(name) ? null : "names " + kind + " '" + name + "', which template '" + t.name()
                + "' does not declare" + hintOrList(name, names);
    }

    private static String hintOrList(String name, List<String> names) {
        String hint = ClosestName.hint(name, names);
        if (!hint.isEmpty()) {
            return hint;
        }
        return names.isEmpty() ? "" : " (declared: " + String.join(", ", names) + ")";
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
