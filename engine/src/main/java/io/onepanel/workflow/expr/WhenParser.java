package io.onepanel.workflow.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses a {@code when} condition with govaluate's precedences, loosest first: {@code ? :} and {@code ??},
 * {@code ||}, {@code &&}, comparisons ({@code == != < > <= >= =~ !~ in}), {@code + -}, {@code * / %}, and the
 * prefixes {@code !} and {@code -}, which bind to the value right after them. {@code (a, b, c)} is a list.
 */
final class WhenParser extends OperatorPrecedenceParser {

    private WhenParser(TokenCursor cursor) {
        super(cursor);
    }

    static Node parse(String text) {
        return new WhenParser(new TokenCursor(WhenLexer.tokens(text))).whole("condition");
    }

    @Override
    Optional<OperatorMatch> binaryOperatorAtCursor() {
        Token token = cursor.peek();
        if (token.kind() != Token.Kind.SYMBOL) {
            return Optional.empty();
        }
        return Optional.ofNullable(switch (token.text()) {
            case "??" -> OperatorMatch.left(BinaryOperator.COALESCE, 5);
            case "||" -> OperatorMatch.left(BinaryOperator.OR, 10);
            case "&&" -> OperatorMatch.left(BinaryOperator.AND, 15);
            case "==" -> OperatorMatch.left(BinaryOperator.EQUAL, 20);
            case "!=" -> OperatorMatch.left(BinaryOperator.NOT_EQUAL, 20);
            case "<" -> OperatorMatch.left(BinaryOperator.LESS, 20);
            case "<=" -> OperatorMatch.left(BinaryOperator.LESS_OR_EQUAL, 20);
            case ">" -> OperatorMatch.left(BinaryOperator.GREATER, 20);
            case ">=" -> OperatorMatch.left(BinaryOperator.GREATER_OR_EQUAL, 20);
            case "=~" -> OperatorMatch.left(BinaryOperator.MATCHES, 20);
            case "!~" -> OperatorMatch.left(BinaryOperator.NOT_MATCHES, 20);
            case "in" -> OperatorMatch.left(BinaryOperator.IN, 20);
            case "+" -> OperatorMatch.left(BinaryOperator.PLUS, 30);
            case "-" -> OperatorMatch.left(BinaryOperator.MINUS, 30);
            case "*" -> OperatorMatch.left(BinaryOperator.TIMES, 60);
            case "/" -> OperatorMatch.left(BinaryOperator.DIVIDE, 60);
            case "%" -> OperatorMatch.left(BinaryOperator.MODULO, 60);
            default -> null;
        });
    }

    @Override
    Node unary() {
        Token token = cursor.peek();
        UnaryOperator operator = token.kind() != Token.Kind.SYMBOL ? null : switch (token.text()) {
            case "!" -> UnaryOperator.NOT;
            case "-" -> UnaryOperator.NEGATE;
            default -> null;
        };
        if (operator == null) {
            return value();
        }
        cursor.next();
        cursor.enter(token.offset());
        Node operand = unary();
        cursor.leave();
        return new Node.Unary(operator, operand, token.offset());
    }

    private Node value() {
        Token token = cursor.peek();
        switch (token.kind()) {
            case NUMBER, STRING, BOOL -> {
                cursor.next();
                return new Node.Literal(token.value(), token.offset());
            }
            case SYMBOL -> {
                if (cursor.accept("(")) {
                    return clause(token);
                }
                throw cursor.unexpected("a value");
            }
            default -> throw cursor.unexpected("a value");
        }
    }

    /** {@code ( expression )}, or a list {@code (a, b, c)} as the right side of {@code in}. */
    private Node clause(Token open) {
        Node first = expression();
        if (!cursor.accept(",")) {
            cursor.expect(")", "to close '(' at offset " + open.offset());
            return first;
        }
        List<Node> items = new ArrayList<>();
        items.add(first);
        do {
            items.add(expression());
        } while (cursor.accept(","));
        cursor.expect(")", "to close '(' at offset " + open.offset());
        return new Node.ListLiteral(List.copyOf(items), open.offset());
    }
}
