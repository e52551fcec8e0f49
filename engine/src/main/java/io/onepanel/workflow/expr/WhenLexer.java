package io.onepanel.workflow.expr;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a {@code when} condition into tokens the way govaluate does after Argo has turned its variables into
 * strings: a bare word such as {@code heads} or {@code v1.2} is a string, {@code [any text]} is a string,
 * {@code true}/{@code false} are booleans and numbers are floats.
 *
 * <p>One deliberate difference: govaluate reads {@code hello-world} as {@code hello - world} and fails, while a
 * user who wrote {@code {{inputs.parameters.name}} == hello-world} means one word. So a hyphen between two
 * word characters joins them into one word when either side is a letter or underscore; between digits it
 * stays a minus, so {@code 5-3} is still 2.
 */
final class WhenLexer {

    private static final List<String> SYMBOLS = List.of(
            "==", "!=", "=~", "!~", "<=", ">=", "&&", "||", "??",
            "(", ")", ",", "?", ":", "!", "<", ">", "+", "-", "*", "/", "%");

    private WhenLexer() {
    }

    static List<Token> tokens(String text) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'' || c == '"') {
                StringLiteral literal = StringLiteral.read(text, i);
                tokens.add(literal.token(i));
                i = literal.end();
            } else if (c == '[') {
                // govaluate's escaped parameter name, which Argo turns into a string like any other name.
                int close = text.indexOf(']', i + 1);
                if (close < 0) {
                    throw new ExpressionException("'[' is not closed with ']'", i);
                }
                String content = text.substring(i + 1, close);
                tokens.add(new Token(Token.Kind.STRING, content, content, i));
                i = close + 1;
            } else if (isWordPart(c)) {
                int start = i;
                i = wordEnd(text, i);
                tokens.add(word(text.substring(start, i), start));
            } else {
                i = symbol(text, i, tokens);
            }
        }
        tokens.add(new Token(Token.Kind.END, "", null, text.length()));
        return tokens;
    }

    private static int wordEnd(String text, int start) {
        int i = start;
        boolean hasLetter = false;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (isWordPart(c)) {
                hasLetter |= isLetter(c);
                i++;
            } else if (c == '-' && i + 1 < text.length() && isWordPart(text.charAt(i + 1))
                    && (hasLetter || isLetter(text.charAt(i + 1)))) {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    private static Token word(String word, int start) {
        if (word.equals("true") || word.equals("false")) {
            return new Token(Token.Kind.BOOL, word, Boolean.valueOf(word), start);
        } else if (word.equals("in") || word.equals("IN")) {
            return new Token(Token.Kind.SYMBOL, "in", null, start);
        } else if (isNumber(word)) {
            return new Token(Token.Kind.NUMBER, word, Double.parseDouble(word), start);
        }
        return new Token(Token.Kind.STRING, word, word, start);
    }

    /** Digits with at most one decimal point, as govaluate reads a numeric constant. */
    private static boolean isNumber(String word) {
        int dots = 0;
        int digits = 0;
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c >= '0' && c <= '9') {
                digits++;
            } else {
                return false;
            }
        }
        return digits > 0 && dots <= 1;
    }

    private static int symbol(String text, int start, List<Token> tokens) {
        for (String symbol : SYMBOLS) {
            if (text.startsWith(symbol, start)) {
                tokens.add(new Token(Token.Kind.SYMBOL, symbol, null, start));
                return start + symbol.length();
            }
        }
        char c = text.charAt(start);
        String hint = switch (c) {
            case '=' -> "did you mean '=='?";
            case '&' -> "did you mean '&&'?";
            case '|' -> "did you mean '||'?";
            case '{', '}' -> "substitute {{...}} tags before evaluating the condition";
            default -> "wrap a value that contains special characters in quotes";
        };
        throw new ExpressionException("invalid token '" + c + "' (hint: " + hint + ")", start);
    }

    private static boolean isWordPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.';
    }

    private static boolean isLetter(char c) {
        return Character.isLetter(c) || c == '_';
    }
}
