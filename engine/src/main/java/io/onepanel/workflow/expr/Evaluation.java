package io.onepanel.workflow.expr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The state of one evaluation: the scope, the dialect, the step budget, and the variables that were asked for
 * and not found.
 *
 * <p>A missing variable evaluates to nil, as a missing map key does in expr-lang, so that
 * {@code inputs.parameters.x ?? 'default'} works; the miss is remembered. {@code ??} excuses the misses of an
 * operand it falls back from. Whoever runs the evaluation then decides: a final pass reports an unexcused miss
 * as an unresolved variable, an early pass (Argo's global substitution) leaves any tag that missed a variable
 * for later.
 */
final class Evaluation {

    record Miss(String variable, int offset) {
        UnresolvedVariableException exception() {
            return new UnresolvedVariableException(variable, offset);
        }
    }

    private final VariableScope scope;
    private final Dialect dialect;
    private final List<Miss> unexcused = new ArrayList<>();
    private boolean missedAny;
    private final int maxSteps;
    private int steps;
    private long work;

    Evaluation(VariableScope scope, Dialect dialect, int maxSteps) {
        this.scope = scope;
        this.dialect = dialect;
        this.maxSteps = maxSteps;
    }

    Dialect dialect() {
        return dialect;
    }

    /** Counts one unit of work; an evaluation that takes too many is stopped. */
    void step(int offset) {
        if (++steps > maxSteps) {
            throw new ExpressionException("evaluation took more than " + maxSteps + " steps", offset);
        }
    }

    /**
     * Counts a value an operation takes or makes against {@link Limits#MAX_VALUE} and {@link Limits#MAX_WORK}.
     *
     * @throws ExpressionException at {@code offset}, naming {@code what}, when a bound is passed
     */
    void produced(Object value, String what, int offset) {
        long size = size(value, Limits.MAX_VALUE + 1L);
        if (size > Limits.MAX_VALUE) {
            throw new ExpressionException(what + " would be larger than " + Limits.MAX_VALUE
                    + " characters, the most an expression may compute", offset);
        }
        work += size;
        if (work > Limits.MAX_WORK) {
            throw new ExpressionException("evaluation handled more than " + Limits.MAX_WORK
                    + " characters in all, the most one expression may", offset);
        }
    }

    /** The size of a value in characters, counting up to {@code cap} only (so measuring is bounded too). */
    static long size(Object value, long cap) {
        if (value instanceof String text) {
            return text.length();
        }
        if (value instanceof List<?> list) {
            long total = list.size();
            for (Object item : list) {
                if (total > cap) {
                    break;
                }
                total += size(item, cap - total);
            }
            return total;
        }
        if (value instanceof Map<?, ?> map) {
            long total = map.size();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (total > cap) {
                    break;
                }
                total += String.valueOf(e.getKey()).length() + size(e.getValue(), cap - total);
            }
            return total;
        }
        return 1;
    }

    boolean missedAny() {
        return missedAny;
    }

    Optional<Miss> firstUnexcused() {
        return unexcused.stream().findFirst();
    }

    /** A mark to pass to {@link #excuseSince} once it is known whether the misses after it matter. */
    int mark() {
        return unexcused.size();
    }

    void excuseSince(int mark) {
        unexcused.subList(mark, unexcused.size()).clear();
    }

    /**
     * The value of a variable reached by the constant path {@code segments}: the longest prefix that is a flat
     * name in scope, navigated into for the rest; else the map of every name under the path; else a miss.
     */
    Object variable(List<String> segments, int offset) {
        for (int length = segments.size(); length > 0; length--) {
            Optional<Object> found = scope.value(String.join(".", segments.subList(0, length)));
            if (found.isPresent()) {
                Optional<Object> value = MemberPath.walk(ValueType.normalise(found.get()),
                        segments.subList(length, segments.size()));
                return value.isPresent() ? value.get() : miss(String.join(".", segments), offset);
            }
        }
        String name = String.join(".", segments);
        Map<String, Object> subtree = subtree(name + ".");
        if (!subtree.isEmpty()) {
            return ValueType.normalise(subtree);
        }
        return miss(name, offset);
    }

    /** Every name under {@code prefix}, as nested maps: {@code inputs.parameters} seen as a whole. */
    private Map<String, Object> subtree(String prefix) {
        Map<String, Object> tree = new LinkedHashMap<>();
        for (String name : scope.names()) {
            if (!name.startsWith(prefix)) {
                continue;
            }
            Optional<Object> value = scope.value(name);
            if (value.isEmpty()) {
                continue;
            }
            String[] parts = name.substring(prefix.length()).split("\\.", -1);
            Map<String, Object> node = tree;
            for (int i = 0; i < parts.length - 1; i++) {
                Object child = node.computeIfAbsent(parts[i], key -> new LinkedHashMap<String, Object>());
                if (!(child instanceof Map)) {
                    node = null;
                    break;
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> next = (Map<String, Object>) child;
                node = next;
            }
            if (node != null) {
                // A value and a deeper name under the same key: the value, a name of its own, wins.
                node.put(parts[parts.length - 1], ValueType.normalise(value.get()));
            }
        }
        return tree;
    }

    private Object miss(String variable, int offset) {
        missedAny = true;
        unexcused.add(new Miss(variable, offset));
        return null;
    }
}
