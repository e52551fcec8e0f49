package io.onepanel.workflow.dag;

import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.template.Arguments;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.Parameter;
import io.onepanel.workflow.template.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * A task's arguments, substituted once when the task is about to run (after its {@code when}).
 *
 * <p>An argument that names an output a task never produced (a skipped or omitted task without
 * {@code valueFrom.default}) is absent, as in Argo: the called template's input default applies (an
 * optional input artifact is left out); without one the task fails with a message saying which
 * reference is absent and why. The literal {@code {{...}}} never reaches a command.
 */
final class TaskArguments {

    private final String task;
    private final Vars vars;
    /** Why a variable has no value (the task it names ended without it), or empty. */
    private final Function<String, Optional<String>> absence;

    TaskArguments(String task, Vars vars, Function<String, Optional<String>> absence) {
        this.task = task;
        this.vars = vars;
        this.absence = absence;
    }

    /** @throws IllegalArgumentException naming the task, the argument, the text and what is wrong */
    Arguments resolve(Arguments arguments, Template target) {
        List<Parameter> params = new ArrayList<>();
        for (Parameter p : arguments.parameters()) {
            List<String> absent = new ArrayList<>();
            Substitution s = Substitution.of(vars, "task '" + task + "': argument '" + p.name() + "'")
                    .reporting((tag, variable) -> absence.apply(variable).ifPresent(why -> absent.add(
                            "{{" + (tag.isExpression() ? "=" : "") + tag.expression() + "}} " + why)));
            Parameter substituted = new TemplateSubstitution(s::text).parameter(p);
            if (absent.isEmpty()) {
                params.add(substituted);
                continue;
            }
            Optional<Parameter> input = target.inputs().parameter(p.name());
            if (input.isPresent() && (input.get().value() != null || input.get().defaultValue() != null)) {
                continue; // the input's own default applies, as in Argo
            }
            throw new IllegalArgumentException("task '" + task + "': argument '" + p.name() + "': " + absent.get(0)
                    + ", and input parameter '" + p.name() + "' of template '" + target.name()
                    + "' has no default");
        }
        List<Artifact> artifacts = new ArrayList<>();
        for (Artifact a : arguments.artifacts()) {
            List<String> absent = new ArrayList<>();
            Substitution s = Substitution.of(vars, "task '" + task + "': artifact '" + a.name() + "'")
                    .reporting((tag, variable) -> absence.apply(variable).ifPresent(why -> absent.add(
                            "{{" + (tag.isExpression() ? "=" : "") + tag.expression() + "}} " + why)));
            Artifact substituted = new TemplateSubstitution(s::text).artifact(a);
            if (absent.isEmpty()) {
                artifacts.add(substituted);
                continue;
            }
            if (a.optional() || target.inputs().artifact(a.name()).map(Artifact::optional).orElse(false)) {
                continue;
            }
            throw new IllegalArgumentException("task '" + task + "': artifact '" + a.name() + "': " + absent.get(0)
                    + ", and input artifact '" + a.name() + "' of template '" + target.name() + "' is not optional");
        }
        return new Arguments(params, artifacts);
    }

    /** Why {@code phase} leaves a task without outputs, in words. */
    static String ended(String name, NodePhase phase) {
        String how = switch (phase) {
            case SKIPPED -> "was skipped";
            case OMITTED -> "was omitted";
            case SUCCEEDED -> "succeeded";
            case ERROR -> "errored";
            default -> phase.argoName().toLowerCase(Locale.ROOT);
        };
        return "task '" + name + "' " + how;
    }
}
