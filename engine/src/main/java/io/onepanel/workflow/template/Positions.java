package io.onepanel.workflow.template;

import io.onepanel.workflow.diagnostics.SourcePosition;
import java.util.Map;

/**
 * Where a model element and each of its fields stand in the source, so that every diagnostic
 * can point at the exact value a user has to change.
 */
public record Positions(SourcePosition start, Map<String, SourcePosition> fields) {

    public Positions {
        fields = Map.copyOf(fields);
    }

    public static Positions at(SourcePosition start) {
        return new Positions(start, Map.of());
    }

    /** The position of a field's value, or of the element when the field is absent. */
    public SourcePosition of(String field) {
        return fields.getOrDefault(field, start);
    }

    public boolean has(String field) {
        return fields.containsKey(field);
    }
}
