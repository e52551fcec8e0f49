package io.onepanel.workflow.expr;

import java.util.Optional;

/**
 * A parsed expression in one of the two {@link Dialect}s, ready to evaluate any number of times.
 *
 * <p>Safe on untrusted input: our own parser and evaluator, no scripting engine, no reflection; an expression
 * is at most 10,000 characters and 64 levels deep, an evaluation at most 100,000 steps, and regular expressions
 * run on RE2/J in linear time. Immutable and thread-safe.
 */
public final class Expression {

    private final String text;
    private final Dialect dialect;
    private final Node root;

    private Expression(String text, Dialect dialect, Node root) {
        this.text = text;
        this.dialect = dialect;
        this.root = root;
    }

    /**
     * @throws ExpressionException with the 0-based offset of the mistake in {@code text}
     */
    public static Expression parse(String text, Dialect dialect) {
        Limits.checkLength(text);
        Node root = dialect == Dialect.WHEN ? WhenParser.parse(text) : ExprParser.parse(text);
        return new Expression(text, dialect, root);
    }

    /**
     * Evaluates over {@code scope} (a {@code when} condition has no variables: its tags were substituted before
     * it was parsed, so it ignores the scope).
     *
     * @return String, Long, Double, Boolean, an unmodifiable List or Map, or null; always a Boolean for
     *         {@link Dialect#WHEN}
     * @throws UnresolvedVariableException if a variable it needs is not in scope and no {@code ??} covers it
     * @throws ExpressionException         on a type error, with the offset of the operation that failed
     */
    public Object evaluate(VariableScope scope) {
        return evaluate(scope, Limits.MAX_STEPS);
    }

    /** {@link #evaluate(VariableScope)} with another step budget, so that the budget itself can be tested. */
    Object evaluate(VariableScope scope, int maxSteps) {
        Evaluation evaluation = new Evaluation(scope, dialect, maxSteps);
        Object value;
        try {
            value = root.evaluate(evaluation);
        } catch (ExpressionException e) {
            // Most type errors after a miss (asInt(nil)) are the miss's fault; name the miss instead.
            Optional<Evaluation.Miss> miss = evaluation.firstUnexcused();
            if (miss.isPresent()) {
                throw miss.get().exception();
            }
            throw e;
        }
        Optional<Evaluation.Miss> miss = evaluation.firstUnexcused();
        if (miss.isPresent()) {
            throw miss.get().exception();
        }
        if (dialect == Dialect.WHEN && !(value instanceof Boolean)) {
            throw new ExpressionException("expected a boolean, got " + ValueType.describe(value)
                    + (value == null ? "" : " '" + ValueText.of(value) + "'"), 0);
        }
        return value;
    }

    /**
     * Evaluates for a substitution pass that may come too early: empty if any variable was missing (even one a
     * {@code ??} covered, since its value may arrive in a later pass) or if the result is nil.
     *
     * @throws ExpressionException on an error that no later pass can fix
     */
    Optional<Object> evaluateIfResolved(VariableScope scope) {
        Evaluation evaluation = new Evaluation(scope, dialect, Limits.MAX_STEPS);
        Object value;
        try {
            value = root.evaluate(evaluation);
        } catch (ExpressionException e) {
            if (evaluation.missedAny()) {
                return Optional.empty();
            }
            throw e;
        }
        return evaluation.missedAny() ? Optional.empty() : Optional.ofNullable(value);
    }

    public String text() {
        return text;
    }

    public Dialect dialect() {
        return dialect;
    }

    @Override
    public String toString() {
        return text;
    }
}
