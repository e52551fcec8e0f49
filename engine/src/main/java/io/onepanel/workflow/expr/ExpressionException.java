package io.onepanel.workflow.expr;

/**
 * A mistake in an expression, a template tag or a {@code depends} clause, with the 0-based offset in the
 * text where it was found, so that a caller who knows where the text sits in its file can report
 * {@code file:line:column}.
 *
 * <p>Unchecked on purpose: evaluation happens inside lambdas and streams, and every public entry point of this
 * package documents that it throws it.
 */
public class ExpressionException extends RuntimeException {

    private final String reason;
    private final int offset;

    public ExpressionException(String reason, int offset) {
        super(reason + " (at offset " + offset + ")");
        this.reason = reason;
        this.offset = offset;
    }

    /** What is wrong, without the position. */
    public String reason() {
        return reason;
    }

    /** 0-based offset in the text that was parsed. */
    public int offset() {
        return offset;
    }

    /**
     * The same error seen from an enclosing text: an expression inside a {@code {{=...}}} tag reports offsets
     * relative to the expression; the template reports them relative to itself.
     */
    public ExpressionException shiftedBy(int delta) {
        return new ExpressionException(reason, offset + delta);
    }
}
