package io.onepanel.workflow.expr;

/**
 * A variable that a tag or an expression needs is not in scope. Kept apart from other expression errors because
 * callers treat it differently: at global substitution time it simply means "later", at task time it is an error.
 */
public final class UnresolvedVariableException extends ExpressionException {

    private final String variable;

    public UnresolvedVariableException(String variable, int offset) {
        super("unresolved variable '" + variable + "'", offset);
        this.variable = variable;
    }

    /** The flat name that was looked up, e.g. {@code inputs.parameters.message}. */
    public String variable() {
        return variable;
    }

    @Override
    public UnresolvedVariableException shiftedBy(int delta) {
        return new UnresolvedVariableException(variable, offset() + delta);
    }
}
