package io.onepanel.workflow.expr;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The variables a template sees, by their flat Argo names: {@code inputs.parameters.message},
 * {@code tasks.flip-coin.outputs.result}, {@code workflow.parameters.model-path}, {@code item},
 * {@code item.key}.
 *
 * <p>Simple tags look names up as text. Expressions also see structured values ({@code item} may be a map) and
 * reach variables by path: {@code tasks['flip-coin'].outputs.result} is the flat name
 * {@code tasks.flip-coin.outputs.result}, and {@code inputs.parameters} on its own is the map built from every
 * name under it (see {@link #names()}).
 */
public interface VariableScope {

    /** The value of a flat name as text, as a simple tag inserts it. */
    Optional<String> lookup(String name);

    /**
     * The value of a flat name as an expression sees it: String, Long, Double, Boolean, List or Map. By default
     * the text of {@link #lookup}.
     */
    default Optional<Object> value(String name) {
        return lookup(name).map(text -> text);
    }

    /**
     * Every flat name this scope can answer, so that an expression can see a prefix such as
     * {@code inputs.parameters} as a map. A scope that cannot enumerate its names returns an empty set; its
     * variables are then reachable by full path only.
     */
    default Set<String> names() {
        return Set.of();
    }

    /** This scope in front of {@code parent}: names are looked up here first, then in the parent. */
    default VariableScope withParent(VariableScope parent) {
        return new LayeredScope(this, parent);
    }

    /**
     * A scope over a map of flat names. Values may be strings, numbers, booleans, lists or maps (an item of
     * {@code withItems} may be a map); they are copied, so later changes to the map are not seen.
     *
     * @throws IllegalArgumentException for a value of another type
     * @throws NullPointerException     for a null key or value
     */
    static VariableScope of(Map<String, ?> flat) {
        return FlatScope.copyOf(flat);
    }

    static VariableScope empty() {
        return FlatScope.copyOf(Map.of());
    }
}
