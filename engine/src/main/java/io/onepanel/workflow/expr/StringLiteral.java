package io.onepanel.workflow.expr;

/**
 * A quoted string literal read from an expression. Both dialects quote with {@code '} or {@code "}, where a
 * backslash introduces the usual escapes ({@code \n \t \r \\ \' \" \u0041}) and escapes any other character
 * as itself; expr-lang also has raw strings in backquotes.
 *
 * @param content the decoded text
 * @param end     offset just after the closing quote
 */
record StringLiteral(String content, int end) {

    /**
     * @param start offset of the opening quote
     */
    static StringLiteral read(String text, int start) {
        char quote = text.charAt(start);
        StringBuilder content = new StringBuilder();
        int i = start + 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == quote) {
                return new StringLiteral(content.toString(), i + 1);
            }
            if (c == '\\' && quote != '`' && i + 1 < text.length()) {
                i = escape(text, i, content);
            } else {
                content.append(c);
                i++;
            }
        }
        throw new ExpressionException("string starting here is not closed with " + quote, start);
    }

    Token token(int start) {
        return new Token(Token.Kind.STRING, content, content, start);
    }

    private static int escape(String text, int backslash, StringBuilder content) {
        char c = text.charAt(backslash + 1);
        switch (c) {
            case 'n' -> content.append('\n');
            case 't' -> content.append('\t');
            case 'r' -> content.append('\r');
            case 'b' -> content.append('\b');
            case 'f' -> content.append('\f');
            case 'u' -> {
                try {
                    content.append((char) Integer.parseInt(text.substring(backslash + 2, backslash + 6), 16));
                } catch (NumberFormatException | IndexOutOfBoundsException e) {
                    throw new ExpressionException("\\u must be followed by four hex digits", backslash);
                }
                return backslash + 6;
            }
            default -> content.append(c);
        }
        return backslash + 2;
    }
}
