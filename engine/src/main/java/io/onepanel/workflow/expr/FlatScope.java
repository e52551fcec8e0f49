package io.onepanel.workflow.expr;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** A scope over an immutable copy of a map of flat names. */
record FlatScope(Map<String, Object> variables) implements VariableScope {

    static FlatScope copyOf(Map<String, ?> flat) {
        Map<String, Object> copy = new LinkedHashMap<>();
        flat.forEach((name, value) -> copy.put(
                Objects.requireNonNull(name, "variable name"),
                ValueType.normalise(Objects.requireNonNull(value, () -> "value of variable " + name))));
        return new FlatScope(Collections.unmodifiableMap(copy));
    }

    @Override
    public Optional<String> lookup(String name) {
        return value(name).map(ValueText::of);
    }

    /** The value of a flat name, or of a member of a structured one: {@code item.key} inside {@code item}. */
    @Override
    public Optional<Object> value(String name) {
        Object exact = variables.get(name);
        if (exact != null) {
            return Optional.of(exact);
        }
        for (int dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
            Object outer = variables.get(name.substring(0, dot));
            if (outer instanceof Map || outer instanceof List) {
                return MemberPath.walk(outer, List.of(name.substring(dot + 1).split("\\.", -1)));
            }
        }
        return Optional.empty();
    }

    @Override
    public Set<String> names() {
        return variables.keySet();
    }
}
