package io.onepanel.workflow.dag;

import io.onepanel.workflow.template.Arguments;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.Inputs;
import io.onepanel.workflow.template.Parameter;
import io.onepanel.workflow.template.Template;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Gives a template its inputs from a caller's arguments (Argo's ProcessArgs): each input parameter
 * takes the argument's value, else its own value or default; each input artifact takes the
 * argument's location. Then every {@code {{inputs...}}} and {@code {{workflow...}}} in the template is
 * replaced.
 */
final class TemplateBinding {

    private TemplateBinding() {}

    /**
     * The bound template and the variables its body may use.
     *
     * @param hasTags whether some text still holds a tag for a later stage ({{pod.name}}, {{retries}})
     */
    record Bound(Template template, Vars vars, boolean hasTags) {}

    /** @throws IllegalArgumentException naming the input that has no value */
    static Bound bind(Template template, Arguments arguments, Vars outer) {
        List<Parameter> params = new ArrayList<>();
        Map<String, String> vars = new LinkedHashMap<>();
        for (Parameter input : template.inputs().parameters()) {
            Optional<Parameter> arg = arguments.parameter(input.name());
            String value = arg.map(Parameter::value).orElse(null);
            // An argument naming an output that never came (a skipped producer without a default)
            // falls back to the input's own default, as in Argo.
            boolean unresolved = value != null && value.contains("{{") && (input.value() != null
                    || input.defaultValue() != null);
            if (value == null || unresolved) {
                value = input.value() != null ? input.value() : input.defaultValue();
            }
            if (value == null) {
                throw new IllegalArgumentException("input parameter '" + input.name() + "' of template '"
                        + template.name() + "' was not supplied");
            }
            if (!input.enumValues().isEmpty() && !input.enumValues().contains(value)) {
                throw new IllegalArgumentException("input parameter '" + input.name() + "' of template '"
                        + template.name() + "' is '" + value + "', not one of " + input.enumValues());
            }
            params.add(input.withValue(value));
            vars.put("inputs.parameters." + input.name(), value);
        }
        List<Artifact> artifacts = new ArrayList<>();
        for (Artifact input : template.inputs().artifacts()) {
            Optional<Artifact> arg = arguments.artifact(input.name());
            Artifact bound = input;
            if (arg.isPresent() && arg.get().hasLocation()) {
                bound = input.withLocationOf(arg.get());
            } else if (!input.hasLocation() && !input.optional() && input.from() == null) {
                throw new IllegalArgumentException("input artifact '" + input.name() + "' of template '"
                        + template.name() + "' was not supplied");
            }
            artifacts.add(bound);
            if (bound.path() != null) {
                vars.put("inputs.artifacts." + input.name() + ".path", bound.path());
            }
        }
        Vars inputScope = outer.with(vars);
        Template withInputs = template.withInputs(new Inputs(params, artifacts));
        // Texts without a tag never reach the function, so this records whether any tag is left.
        boolean[] left = {false};
        java.util.function.UnaryOperator<String> inputs = text -> {
            String out = Expressions.substitute(text, inputScope);
            left[0] |= out.contains("{{");
            return out;
        };
        Template substituted = new TemplateSubstitution(inputs).apply(withInputs);
        Vars scope = inputScope;
        // Output artifact paths may be named too ({{outputs.artifacts.x.path}}).
        Map<String, String> outputPaths = new LinkedHashMap<>();
        substituted.outputs().artifacts().forEach(a -> {
            if (a.path() != null) {
                outputPaths.put("outputs.artifacts." + a.name() + ".path", a.path());
            }
        });
        substituted.outputs().parameters().forEach(p -> {
            if (p.valueFrom() != null && p.valueFrom().path() != null) {
                outputPaths.put("outputs.parameters." + p.name() + ".path", p.valueFrom().path());
            }
        });
        if (!outputPaths.isEmpty() && left[0]) {
            Vars withOutputs = scope.with(outputPaths);
            left[0] = false;
            java.util.function.UnaryOperator<String> outputs = text -> {
                String out = Expressions.substitute(text, withOutputs);
                left[0] |= out.contains("{{");
                return out;
            };
            substituted = new TemplateSubstitution(outputs).apply(substituted);
            scope = withOutputs;
        } else if (!outputPaths.isEmpty()) {
            scope = scope.with(outputPaths);
        }
        return new Bound(substituted, scope, left[0]);
    }
}
