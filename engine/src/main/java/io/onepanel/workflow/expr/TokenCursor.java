package io.onepanel.workflow.expr;

import java.util.List;

/**
 * A position in a list of tokens, shared by the parsers, with the nesting guard: every recursive descent goes
 * through {@link #enter} so that no input can drive the parser (or, later, the evaluator) into a
 * StackOverflowError.
 */
final class TokenCursor {

    private final List<Token> tokens;
    private int position;
    private int nesting;

    TokenCursor(List<Token> tokens) {
        this.tokens = tokens;
    }

    Token peek() {
        return tokens.get(position);
    }

    Token peek(int ahead) {
        return tokens.get(Math.min(position + ahead, tokens.size() - 1));
    }

    Token next() {
        Token token = tokens.get(position);
        if (token.kind() != Token.Kind.END) {
            position++;
        }
        return token;
    }

    boolean accept(String symbol) {
        if (peek().is(symbol) && peek().kind() == Token.Kind.SYMBOL) {
            position++;
            return true;
        }
        return false;
    }

    Token expect(String symbol, String context) {
        Token token = peek();
        if (token.kind() != Token.Kind.SYMBOL || !token.is(symbol)) {
            throw new ExpressionException("expected '" + symbol + "' " + context + ", found " + token.shown(),
                    token.offset());
        }
        return next();
    }

    boolean atEnd() {
        return peek().kind() == Token.Kind.END;
    }

    void enter(int offset) {
        if (++nesting > Limits.MAX_NESTING) {
            throw new ExpressionException("expression nests deeper than " + Limits.MAX_NESTING + " levels", offset);
        }
    }

    void leave() {
        nesting--;
    }

    ExpressionException unexpected(String expected) {
        Token token = peek();
        return new ExpressionException("expected " + expected + ", found " + token.shown(), token.offset());
    }
}
