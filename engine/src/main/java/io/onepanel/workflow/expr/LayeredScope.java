package io.onepanel.workflow.expr;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/** A task scope in front of a template or workflow scope: the nearer definition wins. */
record LayeredScope(VariableScope front, VariableScope parent) implements VariableScope {

    @Override
    public Optional<String> lookup(String name) {
        Optional<String> found = front.lookup(name);
        return found.isPresent() ? found : parent.lookup(name);
    }

    @Override
    public Optional<Object> value(String name) {
        Optional<Object> found = front.value(name);
        return found.isPresent() ? found : parent.value(name);
    }

    @Override
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>(front.names());
        names.addAll(parent.names());
        return names;
    }
}
