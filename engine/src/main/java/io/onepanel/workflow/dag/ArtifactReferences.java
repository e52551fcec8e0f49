package io.onepanel.workflow.dag;

import io.onepanel.workflow.template.Arguments;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.Template;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns an artifact's {@code from} or {@code fromExpression} into the location it names, within one
 * DAG: the DAG's own inputs, its tasks' outputs so far, and the workflow's global output artifacts.
 */
final class ArtifactReferences {

    private final WorkflowExecution run;
    private final Template template;
    private final TemplateBinding.Bound bound;
    private final Map<String, TaskState> tasks;
    private final Function<String, Optional<String>> absence;

    /**
     * @param tasks the DAG's tasks, read as they finish
     * @param absence why a variable naming a task's output has no value, when that task ended without it
     */
    ArtifactReferences(WorkflowExecution run, TemplateBinding.Bound bound, Map<String, TaskState> tasks,
            Function<String, Optional<String>> absence) {
        this.run = run;
        this.template = bound.template();
        this.bound = bound;
        this.tasks = tasks;
        this.absence = absence;
    }

    Arguments resolve(String taskName, Arguments arguments, Vars vars, Template target) {
        if (arguments.artifacts().stream().noneMatch(a -> a.from() != null || a.fromExpression() != null)) {
            return arguments;
        }
        List<Artifact> resolved = new ArrayList<>();
        for (Artifact a : arguments.artifacts()) {
            // An input the called template marks optional may be absent, as the argument itself may.
            boolean optional = target.inputs().artifact(a.name()).map(Artifact::optional).orElse(false);
            try {
                resolve(optional ? a.asOptional() : a, vars).ifPresent(resolved::add);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("task '" + taskName + "': " + WorkflowExecution.message(e), e);
            }
        }
        return new Arguments(arguments.parameters(), resolved);
    }

    /** An artifact with its {@code from}/{@code fromExpression} turned into a location; empty if optional and absent. */
    Optional<Artifact> resolve(Artifact a, Vars vars) {
        String reference = a.from();
        if (reference == null && a.fromExpression() != null) {
            Map<String, String> refs = new LinkedHashMap<>();
            for (TaskState t : tasks.values()) {
                if (t.node != null) {
                    for (Artifact out : t.node.outputArtifacts) {
                        refs.put("tasks." + t.task.name() + ".outputs.artifacts." + out.name(),
                                "tasks." + t.task.name() + ".outputs.artifacts." + out.name());
                    }
                }
            }
            run.globalArtifacts().keySet().forEach(name -> refs.put("workflow.outputs.artifacts." + name,
                    "workflow.outputs.artifacts." + name));
            Object v;
            try {
                v = Expressions.evaluate(a.fromExpression(), vars.with(refs));
            } catch (io.onepanel.workflow.expr.ExpressionException e) {
                throw new IllegalArgumentException("artifact '" + a.name() + "': fromExpression '"
                        + a.fromExpression() + "': " + e.reason(), e);
            }
            reference = v == null ? null : "{{" + v + "}}";
        }
        if (reference == null) {
            return Optional.of(a);
        }
        Optional<Artifact> source = lookup(reference.trim());
        if (source.isEmpty()) {
            if (a.optional()) {
                return Optional.empty();
            }
            String inner = inner(reference.trim());
            Optional<String> why = absence.apply(inner);
            throw new IllegalArgumentException("artifact '" + a.name() + "': " + reference + " "
                    + why.orElse("does not exist"));
        }
        return Optional.of(a.withLocationOf(source.get()));
    }

    private static String inner(String reference) {
        return reference.startsWith("{{") && reference.endsWith("}}")
                ? reference.substring(2, reference.length() - 2).trim() : reference;
    }

    private Optional<Artifact> lookup(String reference) {
        List<String> parts = Arrays.asList(inner(reference).split("\\."));
        if (parts.size() == 3 && parts.get(0).equals("inputs") && parts.get(1).equals("artifacts")) {
            return bound.given().containsKey(parts.get(2)) ? Optional.of(bound.given().get(parts.get(2)))
                    : template.inputs().artifact(parts.get(2)).filter(Artifact::hasLocation);
        }
        if (parts.size() == 4 && parts.get(0).equals("workflow") && parts.get(1).equals("outputs")
                && parts.get(2).equals("artifacts")) {
            return Optional.ofNullable(run.globalArtifacts().get(parts.get(3)));
        }
        if (parts.size() == 5 && (parts.get(0).equals("tasks") || parts.get(0).equals("steps"))
                && parts.get(2).equals("outputs") && parts.get(3).equals("artifacts")) {
            TaskState t = tasks.get(parts.get(1));
            if (t == null || t.node == null) {
                return Optional.empty();
            }
            return t.node.outputArtifacts.stream().filter(o -> o.name().equals(parts.get(4))).findFirst();
        }
        return Optional.empty();
    }
}
