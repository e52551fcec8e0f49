package io.onepanel.workflow.template;

import java.util.List;

/**
 * A parameter of a workflow, an input, an output or an argument. Values are text, as in Argo
 * (numbers and booleans in YAML are kept as written).
 *
 * <p>The Onepanel fields ({@code displayName}, {@code hint}, {@code type}, {@code options},
 * {@code visibility}, {@code required}) are kept because forms (Jenkins, Onepanel) render them.
 */
public record Parameter(
        String name,
        String value,
        String defaultValue,
        List<String> enumValues,
        ValueFrom valueFrom,
        String globalName,
        String description,
        String displayName,
        String hint,
        String type,
        List<ParameterOption> options,
        String visibility,
        Boolean required,
        Positions positions) {

    public Parameter {
        enumValues = List.copyOf(enumValues);
        options = List.copyOf(options);
    }

    /** A parameter with just a name and a value, as arguments and resolved inputs are. */
    public static Parameter of(String name, String value) {
        return new Parameter(name, value, null, List.of(), null, null, null, null, null, null, List.of(), null, null,
                Positions.at(io.onepanel.workflow.diagnostics.SourcePosition.unknown("")));
    }

    public boolean hasValue() {
        return value != null;
    }

    public Parameter withValue(String newValue) {
        return new Parameter(name, newValue, defaultValue, enumValues, valueFrom, globalName, description, displayName,
                hint, type, options, visibility, required, positions);
    }

    /** Onepanel: a parameter the user must give (explicitly {@code required: true}). */
    public boolean isRequired() {
        return Boolean.TRUE.equals(required);
    }
}
