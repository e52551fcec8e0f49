package io.onepanel.workflow.expr;

/**
 * One lexical unit of an expression.
 *
 * @param kind   what it is
 * @param text   the source text (for a string literal, its decoded content)
 * @param value  the literal value for NUMBER, STRING and BOOL tokens, else null
 * @param offset where it starts in the expression
 */
record Token(Kind kind, String text, Object value, int offset) {

    enum Kind { NUMBER, STRING, BOOL, NIL, IDENTIFIER, SYMBOL, END }

    boolean is(String symbolOrWord) {
        return (kind == Kind.SYMBOL || kind == Kind.IDENTIFIER) && text.equals(symbolOrWord);
    }

    /** How an error message shows the token. */
    String shown() {
        return switch (kind) {
            case END -> "end of expression";
            case STRING -> "string '" + text + "'";
            default -> "'" + text + "'";
        };
    }
}
