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
 * argument's location.
 *
 * <p>Binding does not substitute the template's body: it only works out the variables the body may
 * use ({@code inputs.*}, {@code outputs.*.path}). The body is substituted once, when everything it
 * may name is known ({@link Bound#resolve}), so a value inserted into it is never scanned again: a
 * parameter value that looks like {@code {{=expression}}} stays that text.
 */
final class TemplateBinding {

    private TemplateBinding() {}

    /**
     * The template as written, what its caller gave it, and the variables its body may use.
     *
     * @param template the template as written (no tag of it substituted yet)
     * @param values each input parameter's value (data, put in after substitution)
     * @param given input artifacts whose location the caller gave (data, put in after substitution)
     */
    record Bound(Template template, Map<String, String> values, Map<String, Artifact> given, Vars vars) {

        /**
         * The template with every tag replaced from {@code scope} in one pass, then the caller's
         * values and artifact locations put in place: data never goes through substitution.
         */
        Template resolve(Vars scope, ResolvedTemplates resolved) {
            Template substituted = resolved.resolve(template, scope, "template '" + template.name() + "'");
            List<Parameter> params = new ArrayList<>();
            for (Parameter p : substituted.inputs().parameters()) {
                params.add(values.containsKey(p.name()) ? p.withValue(values.get(p.name())) : p);
            }
            List<Artifact> artifacts = new ArrayList<>();
            for (Artifact a : substituted.inputs().artifacts()) {
                artifacts.add(given.containsKey(a.name()) ? a.withLocationOf(given.get(a.name())) : a);
            }
            return substituted.withInputs(new Inputs(params, artifacts));
        }
    }

    /**
     * {@code {{inputs.parameters}}}: every input parameter as JSON, as Argo writes its template's
     * parameters (name, default, value, enum, description; empty ones left out).
     */
    private static String allInputs(Template template, Map<String, String> values) {
        List<Map<String, Object>> all = new ArrayList<>();
        for (Parameter input : template.inputs().parameters()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", input.name());
            if (input.defaultValue() != null) {
                p.put("default", input.defaultValue());
            }
            p.put("value", values.get(input.name()));
            if (!input.enumValues().isEmpty()) {
                p.put("enum", input.enumValues());
            }
            if (input.description() != null) {
                p.put("description", input.description());
            }
            all.add(p);
        }
        return WorkflowVariables.json(all);
    }

    /** @throws IllegalArgumentException naming the input that has no value */
    static Bound bind(Template template, Arguments arguments, Vars outer) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> vars = new LinkedHashMap<>();
        for (Parameter input : template.inputs().parameters()) {
            Optional<Parameter> arg = arguments.parameter(input.name());
            String value = arg.map(Parameter::value).orElse(null);
            if (value == null) {
                // The template's own value or default is template text: its tags (globals) are replaced,
                // once. A caller's value is data and is taken as it is.
                String own = input.value() != null ? input.value() : input.defaultValue();
                value = own == null ? null : Substitution.of(outer, "input parameter '" + input.name()
                        + "' of template '" + template.name() + "'").text(own);
            }
            if (value == null) {
                throw new IllegalArgumentException("input parameter '" + input.name() + "' of template '"
                        + template.name() + "' was not supplied");
            }
            if (!input.enumValues().isEmpty() && !input.enumValues().contains(value)) {
                throw new IllegalArgumentException("input parameter '" + input.name() + "' of template '"
                        + template.name() + "' is '" + value + "', not one of " + input.enumValues());
            }
            values.put(input.name(), value);
            vars.put("inputs.parameters." + input.name(), value);
        }
        vars.put("inputs.parameters", allInputs(template, values));
        Vars paramScope = outer.with(vars);
        Substitution authored = Substitution.of(paramScope, "template '" + template.name() + "'");
        Map<String, Artifact> given = new LinkedHashMap<>();
        for (Artifact input : template.inputs().artifacts()) {
            Optional<Artifact> arg = arguments.artifact(input.name());
            if (arg.isPresent() && arg.get().hasLocation()) {
                given.put(input.name(), arg.get());
            } else if (!input.hasLocation() && !input.optional() && input.from() == null) {
                throw new IllegalArgumentException("input artifact '" + input.name() + "' of template '"
                        + template.name() + "' was not supplied");
            }
            if (input.path() != null) {
                vars.put("inputs.artifacts." + input.name() + ".path", authored.text(input.path()));
            }
        }
        Vars inputScope = outer.with(vars);
        // Output paths may be named too ({{outputs.artifacts.x.path}}); they are template text.
        Substitution paths = Substitution.of(inputScope, "template '" + template.name() + "'");
        Map<String, String> outputPaths = new LinkedHashMap<>();
        template.outputs().artifacts().forEach(a -> {
            if (a.path() != null) {
                outputPaths.put("outputs.artifacts." + a.name() + ".path", paths.text(a.path()));
            }
        });
        template.outputs().parameters().forEach(p -> {
            if (p.valueFrom() != null && p.valueFrom().path() != null) {
                outputPaths.put("outputs.parameters." + p.name() + ".path", paths.text(p.valueFrom().path()));
            }
        });
        return new Bound(template, values, given, inputScope.with(outputPaths));
    }
}
