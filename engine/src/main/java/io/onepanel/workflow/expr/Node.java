package io.onepanel.workflow.expr;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node of a parsed expression. Both dialects parse into these; the evaluation's dialect settles the few
 * places where govaluate and expr-lang disagree. Every node counts a step when evaluated, so evaluation work is
 * bounded; the parser bounds the depth of the tree, so recursion is bounded too.
 */
sealed interface Node {

    /** Where the node starts in the expression, for errors. */
    int offset();

    Object evaluate(Evaluation evaluation);

    record Literal(Object value, int offset) implements Node {
        @Override
        public Object evaluate(Evaluation evaluation) {
            evaluation.step(offset);
            return value;
        }
    }

    /** A variable reached by a constant path: {@code tasks['flip-coin'].outputs.result}. */
    record Variable(List<String> path, int offset) implements Node {

        Variable then(String segment) {
            List<String> longer = new ArrayList<>(path);
            longer.add(segment);
            return new Variable(List.copyOf(longer), offset);
        }

        @Override
        public Object evaluate(Evaluation evaluation) {
            evaluation.step(offset);
            return evaluation.variable(path, offset);
        }
    }

    /** {@code target[key]} or {@code target.key} on a value that is not a variable path. */
    record Index(Node target, Node key, int offset) implements Node {
        @Override
        public Object evaluate(Evaluation evaluation) {
            evaluation.step(offset);
            Object container = target.evaluate(evaluation);
            Object index = key.evaluate(evaluation);
            if (container instanceof Map<?, ?> map && index instanceof String name) {
                return map.get(name);
            } else if (container instanceof List<?> list && index instanceof Long position) {
                long at = position < 0 ? list.size() + position : position;
                if (at < 0 || at >= list.size()) {
                    throw new ExpressionException("index " + position + " out of range for a list of "
                            + list.size(), key.offset());
                }
                return list.get((int) at);
            } else if (container instanceof String text && index instanceof Long position) {
                long at = position < 0 ? text.length() + position : position;
                if (at < 0 || at >= text.length()) {
                    throw new ExpressionException("index " + position + " out of range for a string of length "
                            + text.length(), key.offset());
                }
                return String.valueOf(text.charAt((int) at));
            }
            throw new ExpressionException("cannot index " + ValueType.describe(container) + " with "
                    + ValueType.describe(index), key.offset());
        }
    }

    record Unary(UnaryOperator operator, Node operand, int offset) implements Node {
        @Override
        public Object evaluate(Evaluation evaluation) {
            evaluation.step(offset);
            return operator.apply(operand.evaluate(evaluation), offset);
        }
    }

    /**
     * Operands joined by operators of one precedence level, evaluated left to right: {@code a || b || c} is one
     * node rather than a tree as deep as the chain is long.
     */
    record Chain(Node first, List<Link> links) implements Node {

        record Link(BinaryOperator operator, Node operand, int offset) {
        }

        @Override
        public int offset() {
            return first.offset();
        }

        @Override
        public Object evaluate(Evaluation evaluation) {
            evaluation.step(offset());
            int mark = evaluation.mark();
            Object result = first.evaluate(evaluation);
            for (Link link : links) {
                if (link.operator() == BinaryOperator.COALESCE && result == null) {
                    // The fallback covers whatever the left side could not find.
                    evaluation.excuseSince(mark);
                }
                Object left = result;
                int operandMark = evaluation.mark();
                result = link.operator().apply(left, () -> link.operand().evaluate(evaluation), evaluation,
                        link.offset());
                evaluation.produced(result, "the result of '" + link.operator().symbol() + "'", link.offset());
                mark = operandMark;
            }
            return result;
        }
    }

    record Conditional(Node condition, Node then, Node otherwise, int offset) implements Node {
        @Override
        public Object evaluate(Evaluation evaluation) {
            evaluation.step(offset);
            Object test = condition.evaluate(evaluation);
            if (!(test instanceof Boolean chosen)) {
                throw new ExpressionException("the condition before '?' must be a boolean, got "
                        + ValueType.describe(test), condition.offset());
            }
            return chosen ? then.evaluate(evaluation) : otherwise.evaluate(evaluation);
        }
    }

    record ListLiteral(List<Node> items, int offset) implements Node {
        @Override
        public Object evaluate(Evaluation evaluation) {
            evaluation.step(offset);
            List<Object> values = new ArrayList<>(items.size());
            for (Node item : items) {
                values.add(item.evaluate(evaluation));
            }
            return Collections.unmodifiableList(values);
        }
    }

    record MapLiteral(List<Entry> entries, int offset) implements Node {

        record Entry(String key, Node value) {
        }

        @Override
        public Object evaluate(Evaluation evaluation) {
            evaluation.step(offset);
            Map<String, Object> values = new LinkedHashMap<>();
            for (Entry entry : entries) {
                values.put(entry.key(), entry.value().evaluate(evaluation));
            }
            return Collections.unmodifiableMap(values);
        }
    }

    record Call(Builtin function, List<Node> arguments, int offset) implements Node {
        @Override
        public Object evaluate(Evaluation evaluation) {
            evaluation.step(offset);
            List<Object> values = new ArrayList<>(arguments.size());
            for (Node argument : arguments) {
                values.add(argument.evaluate(evaluation));
            }
            // Measured before the call, so that no function is handed more than it may turn into its result.
            evaluation.produced(values, "the arguments of " + function.functionName() + "()", offset);
            Object result = function.call(values, offset);
            evaluation.produced(result, "the result of " + function.functionName() + "()", offset);
            return result;
        }
    }
}
