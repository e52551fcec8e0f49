package io.onepanel.workflow.validate;

import io.onepanel.workflow.diagnostics.ClosestName;
import io.onepanel.workflow.diagnostics.Diagnostics;
import io.onepanel.workflow.diagnostics.SourcePosition;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.DagTask;
import io.onepanel.workflow.template.InstallPlaceholder;
import io.onepanel.workflow.template.Parameter;
import io.onepanel.workflow.template.ParameterOption;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.Workflow;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parameters as Onepanel and Argo define them: Onepanel's form metadata (type, options,
 * visibility), unique names, paths that stay where a container can have them, and, for a run, the
 * user's values: none unknown, every required one given, enums and options respected.
 */
final class ParameterCheck {

    static final Set<String> TYPES = Set.of("input.text", "input.number", "input.radio", "input.hidden", "hidden",
            "select.select", "select.nodepool", "textarea.textarea");
    static final Set<String> VISIBILITIES = Set.of("public", "protected", "internal", "private");

    private final Workflow workflow;
    private final Diagnostics out;

    ParameterCheck(Workflow workflow, Diagnostics out) {
        this.workflow = workflow;
        this.out = out;
    }

    /**
     * Every input parameter without a value or default is passed by each task that calls its
     * template: Argo fails such a task when it starts; here it is an error before anything runs.
     */
    void checkTaskArguments(Collection<Template> templates) {
        for (Template owner : templates) {
            if (owner.dag() == null) {
                continue;
            }
            for (DagTask task : owner.dag().tasks()) {
                Template called = task.template() == null ? null : workflow.templates().get(task.template());
                if (called == null) {
                    continue; // reported as an unknown template
                }
                Set<String> passed = new HashSet<>();
                task.arguments().parameters().forEach(p -> passed.add(p.name()));
                for (Parameter input : called.inputs().parameters()) {
                    if (input.value() == null && input.defaultValue() == null && input.valueFrom() == null
                            && !passed.contains(input.name())) {
                        SourcePosition at = task.positions().has("arguments") ? task.positions().of("arguments")
                                : task.positions().of("name");
                        out.error(at, "missing-argument", "task '" + task.name() + "' does not pass input"
                                + " parameter '" + input.name() + "' of template '" + called.name() + "', which has"
                                + " no value and no default; add {name: " + input.name() + ", value: ...} to the"
                                + " task's arguments.parameters");
                    }
                }
            }
        }
    }

    void checkDeclarations(Collection<Template> templates) {
        unique(workflow.arguments().parameters(), "workflow arguments");
        for (Parameter p : workflow.arguments().parameters()) {
            onepanelMetadata(p);
        }
        for (Template t : templates) {
            String where = "template '" + t.name() + "'";
            unique(t.inputs().parameters(), "the inputs of " + where);
            unique(t.outputs().parameters(), "the outputs of " + where);
            uniqueArtifacts(t.inputs().artifacts(), "the inputs of " + where);
            uniqueArtifacts(t.outputs().artifacts(), "the outputs of " + where);
            for (Artifact a : t.inputs().artifacts()) {
                path(a.path(), a.positions().of("path"), "input artifact '" + a.name() + "' of " + where,
                        t.type().runsPod());
            }
            for (Artifact a : t.outputs().artifacts()) {
                path(a.path(), a.positions().of("path"), "output artifact '" + a.name() + "' of " + where,
                        t.type().runsPod() && a.from() == null && a.fromExpression() == null);
            }
            for (Parameter p : t.outputs().parameters()) {
                if (p.valueFrom() != null && p.valueFrom().path() != null) {
                    path(p.valueFrom().path(), p.positions().of("valueFrom"), "output parameter '" + p.name()
                            + "' of " + where, true);
                }
            }
        }
    }

    /**
     * The user's values for a run.
     *
     * @param forRun whether the run starts now: a value that is still an Onepanel placeholder whose
     *     setting is not configured is then an error, else a warning of what a run will need
     */
    void checkValues(Map<String, String> given, boolean forRun) {
        Set<String> declared = new LinkedHashSet<>(); // listed in declaration order
        workflow.arguments().parameters().forEach(p -> declared.add(p.name()));
        SourcePosition args = workflow.positions().of("arguments");
        for (String name : given.keySet()) {
            if (!declared.contains(name)) {
                out.error(args, "unknown-parameter", "parameter '" + name + "' is not declared by the workflow"
                        + ClosestName.hint(name, declared) + (declared.isEmpty() ? " (it declares no parameters)"
                                : " (declared: " + String.join(", ", declared) + ")"));
            }
        }
        for (Parameter p : workflow.arguments().parameters()) {
            String givenOrDeclared = given.containsKey(p.name()) ? given.get(p.name()) : p.value();
            String value = givenOrDeclared != null ? givenOrDeclared : p.defaultValue();
            if (value == null || (p.isRequired() && value.isEmpty())) {
                out.error(p.positions().start(), "missing-parameter", "workflow parameter '" + p.name()
                        + "' has no value; give one with -p " + p.name() + "=VALUE");
                continue;
            }
            if (value.indexOf('\0') >= 0) {
                out.error(p.positions().start(), "nul-character", "workflow parameter '" + p.name() + "' holds a NUL"
                        + " character (\\0) at offset " + value.indexOf('\0') + "; a command, its arguments and its"
                        + " environment cannot carry one");
                continue;
            }
            if (!given.containsKey(p.name())) {
                unfilledPlaceholder(p, value, forRun);
            }
            if (!p.enumValues().isEmpty() && !p.enumValues().contains(value)) {
                out.error(p.positions().start(), "invalid-parameter", "workflow parameter '" + p.name() + "' is '"
                        + value + "', not one of " + p.enumValues());
            }
            if (p.type() != null && (p.type().equals("select.select") || p.type().equals("input.radio"))
                    && !p.options().isEmpty() && value.indexOf('{') < 0
                    && p.options().stream().noneMatch(o -> value.equals(o.value()))) {
                out.error(p.positions().start(), "invalid-parameter", "workflow parameter '" + p.name() + "' is '"
                        + value + "', which is not one of its options "
                        + p.options().stream().map(ParameterOption::value).toList());
            }
            if ("input.number".equals(p.type()) && !value.isEmpty() && !value.contains("{{")
                    && !value.matches("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?")) {
                out.error(p.positions().start(), "invalid-parameter", "workflow parameter '" + p.name()
                        + "' is an input.number, but its value is '" + value + "'");
            }
        }
    }

    private void unfilledPlaceholder(Parameter p, String value, boolean forRun) {
        InstallPlaceholder.in(value).ifPresent(placeholder -> {
            SourcePosition at = p.positions().of("value").plusColumns(Math.max(0, value.indexOf(placeholder.text())));
            String message = placeholder.unfilledParameter(p.name());
            if (forRun) {
                out.error(at, "unfilled-placeholder", message);
            } else {
                out.warning(at, "unfilled-placeholder", message + " (a run needs it)");
            }
        });
    }

    private void onepanelMetadata(Parameter p) {
        if (p.type() != null && !TYPES.contains(p.type())) {
            out.error(p.positions().of("type"), "invalid-parameter-type", "parameter '" + p.name() + "' has type '"
                    + p.type() + "'; Onepanel knows " + String.join(", ", TYPES.stream().sorted().toList())
                    + ClosestName.hint(p.type(), TYPES));
        }
        if (p.visibility() != null && !VISIBILITIES.contains(p.visibility())) {
            out.error(p.positions().of("visibility"), "invalid-visibility", "parameter '" + p.name()
                    + "' has visibility '" + p.visibility() + "'; expected one of public, protected, internal, private"
                    + ClosestName.hint(p.visibility(), VISIBILITIES));
        }
        if ("select.nodepool".equals(p.type()) && !p.options().isEmpty()) {
            out.error(p.positions().of("options"), "nodepool-options", "parameter '" + p.name() + "' is a"
                    + " select.nodepool, whose options come from the node pools; remove its 'options'");
        }
        if (("select.select".equals(p.type()) || "input.radio".equals(p.type())) && p.options().isEmpty()) {
            out.warning(p.positions().of("type"), "missing-options", "parameter '" + p.name() + "' is a " + p.type()
                    + " without options; the form will have nothing to choose from");
        }
        for (ParameterOption o : p.options()) {
            if (o.value() == null) {
                out.error(p.positions().of("options"), "missing-field", "an option of parameter '" + p.name()
                        + "' has no value");
            }
        }
    }

    private void unique(List<Parameter> params, String where) {
        Set<String> seen = new HashSet<>();
        for (Parameter p : params) {
            if (!seen.add(p.name())) {
                out.error(p.positions().of("name"), "duplicate-name", "parameter '" + p.name() + "' appears twice in "
                        + where);
            }
        }
    }

    private void uniqueArtifacts(List<Artifact> artifacts, String where) {
        Set<String> seen = new HashSet<>();
        for (Artifact a : artifacts) {
            if (!seen.add(a.name())) {
                out.error(a.positions().of("name"), "duplicate-name", "artifact '" + a.name() + "' appears twice in "
                        + where);
            }
        }
    }

    /** A container path: absolute, no '..', so staging never writes outside what the template declares. */
    private void path(String path, SourcePosition at, String what, boolean required) {
        if (path == null) {
            if (required) {
                out.error(at, "missing-field", what + " has no 'path'");
            }
            return;
        }
        if (path.contains("{{")) {
            return;
        }
        if (!path.startsWith("/")) {
            out.error(at, "invalid-path", what + ": path '" + path + "' must be absolute (start with /)");
        } else if (List.of(path.split("/")).contains("..")) {
            out.error(at, "invalid-path", what + ": path '" + path + "' must not contain '..'");
        } else if (path.equals("/")) {
            out.error(at, "invalid-path", what + ": path '/' would replace the container's whole file system");
        }
    }
}
