package io.onepanel.workflow.expr;

/**
 * One {@code {{...}}} tag found in a text.
 *
 * @param start        offset of the opening {@code {{}
 * @param end          offset just after the closing {@code }}}
 * @param expression   for a simple tag the variable name with surrounding whitespace trimmed
 *                     ({@code {{ inputs.parameters.x }}} gives {@code inputs.parameters.x}); for an expression tag
 *                     the text after the {@code =}, verbatim, so that it starts at {@link #expressionStart()}
 * @param isExpression whether the tag is an expression tag: {@code {{} immediately followed by {@code =}
 *                     (Argo's rule: {@code {{ =x}}} is a simple tag named {@code =x})
 */
public record Tag(int start, int end, String expression, boolean isExpression) {

    /** Offset of the expression text of an expression tag, for rebasing its parse errors onto the whole text. */
    public int expressionStart() {
        return start + (isExpression ? 3 : 2);
    }
}
