package io.onepanel.workflow.expr;

import java.util.ArrayList;
import java.util.List;

/** Splits an expr-lang expression into tokens. Iterative, one pass, so its work is linear in the text. */
final class ExprLexer {

    /** Longest first, so that {@code ??} is not read as two {@code ?}. */
    private static final List<String> SYMBOLS = List.of(
            "??", "**", "==", "!=", "<=", ">=", "&&", "||",
            "(", ")", "[", "]", "{", "}", ",", ":", "?", ".", "!", "<", ">", "+", "-", "*", "/", "%", "^");

    private ExprLexer() {
    }

    static List<Token> tokens(String text) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'' || c == '"' || c == '`') {
                StringLiteral literal = StringLiteral.read(text, i);
                tokens.add(literal.token(i));
                i = literal.end();
            } else if (isDigit(c)) {
                i = number(text, i, tokens);
            } else if (Character.isLetter(c) || c == '_' || c == '$') {
                int start = i;
                while (i < text.length() && isIdentifierPart(text.charAt(i))) {
                    i++;
                }
                tokens.add(word(text.substring(start, i), start));
            } else {
                i = symbol(text, i, tokens);
            }
        }
        tokens.add(new Token(Token.Kind.END, "", null, text.length()));
        return tokens;
    }

    private static Token word(String word, int start) {
        return switch (word) {
            case "true" -> new Token(Token.Kind.BOOL, word, Boolean.TRUE, start);
            case "false" -> new Token(Token.Kind.BOOL, word, Boolean.FALSE, start);
            case "nil" -> new Token(Token.Kind.NIL, word, null, start);
            default -> new Token(Token.Kind.IDENTIFIER, word, null, start);
        };
    }

    private static int number(String text, int start, List<Token> tokens) {
        int i = start;
        while (i < text.length() && isDigit(text.charAt(i))) {
            i++;
        }
        boolean fractional = false;
        // A dot is a decimal point only when a digit follows: `a[0].b` and `1 .. 2` are not numbers.
        if (i + 1 < text.length() && text.charAt(i) == '.' && isDigit(text.charAt(i + 1))) {
            fractional = true;
            i++;
            while (i < text.length() && isDigit(text.charAt(i))) {
                i++;
            }
        }
        if (i < text.length() && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            int exponent = i + 1;
            if (exponent < text.length() && (text.charAt(exponent) == '+' || text.charAt(exponent) == '-')) {
                exponent++;
            }
            if (exponent < text.length() && isDigit(text.charAt(exponent))) {
                fractional = true;
                i = exponent;
                while (i < text.length() && isDigit(text.charAt(i))) {
                    i++;
                }
            }
        }
        String literal = text.substring(start, i);
        Object value;
        if (fractional) {
            value = Double.parseDouble(literal);
        } else {
            try {
                value = Long.parseLong(literal);
            } catch (NumberFormatException e) {
                throw new ExpressionException("integer " + literal + " does not fit in 64 bits", start);
            }
        }
        tokens.add(new Token(Token.Kind.NUMBER, literal, value, start));
        return i;
    }

    private static int symbol(String text, int start, List<Token> tokens) {
        for (String symbol : SYMBOLS) {
            if (text.startsWith(symbol, start)) {
                tokens.add(new Token(Token.Kind.SYMBOL, symbol, null, start));
                return start + symbol.length();
            }
        }
        char c = text.charAt(start);
        String hint = c == '=' ? "; did you mean '=='?" : c == '&' ? "; did you mean '&&'?" : c == '|'
                ? "; did you mean '||'?" : "";
        throw new ExpressionException("unexpected character '" + c + "'" + hint, start);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
