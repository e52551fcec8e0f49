package io.onepanel.workflow.expr;

/**
 * Bounds on the work one expression may cause. Templates come from users and from the network, and a controller
 * that evaluates them must not be stalled or crashed by one of them, so every expression is refused before it is
 * parsed if it is too long, while it is parsed if it nests too deeply, and while it is evaluated if it takes too
 * many steps. Regular expressions go through RE2/J, which matches in linear time.
 */
final class Limits {

    /** Longest expression text accepted, in characters. Real conditions are a line or two. */
    static final int MAX_LENGTH = 10_000;

    /**
     * Deepest nesting of parentheses, brackets, calls, prefix operators and ternaries. It also bounds the depth of
     * the syntax tree, which keeps the recursive parser and evaluator far away from a StackOverflowError.
     */
    static final int MAX_NESTING = 64;

    /**
     * Most nodes one evaluation may visit. The language has no loops, so an evaluation visits each node of the
     * tree once and the length limit already bounds it; this is the backstop should a construct that repeats
     * work (a closure such as expr-lang's {@code filter}) ever be added.
     */
    static final int MAX_STEPS = 100_000;

    /**
     * Largest value an expression may compute, in characters of text (a list or map counts its entries and their
     * contents). Nested {@code replace} calls can otherwise double a string at every level: ten of them in a
     * 226-character expression asked for gigabytes.
     */
    static final int MAX_VALUE = 4 * 1024 * 1024;

    /**
     * Most characters one evaluation may handle in all: the sizes of every function's arguments and result and of
     * every operator's result, added up. Bounds the time and memory of an evaluation, whatever it is built of.
     */
    static final long MAX_WORK = 64L * 1024 * 1024;

    /** Longest text a substitution may produce: a tag may insert a large value, but not without end. */
    public static final int MAX_TEXT = 16 * 1024 * 1024;

    private Limits() {
    }

    static void checkLength(String text) {
        if (text.length() > MAX_LENGTH) {
            throw new ExpressionException(
                    "expression is " + text.length() + " characters long; at most " + MAX_LENGTH + " are allowed",
                    MAX_LENGTH);
        }
    }
}
