package io.onepanel.workflow.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Parses the expr-lang subset of {@code {{=...}}} tags. Precedences are expr-lang's: {@code ||}/{@code or} 10,
 * {@code &&}/{@code and} 15, comparisons and {@code in matches contains startsWith endsWith} 20, {@code + -} 30,
 * {@code * / %} 60, prefix {@code ! not} 50 and {@code -} 90, {@code ** ^} 100 (right), {@code ??} 500; the
 * ternary {@code ? :} binds loosest.
 */
final class ExprParser extends OperatorPrecedenceParser {

    private static final Set<String> WORD_OPERATORS =
            Set.of("and", "or", "not", "in", "matches", "contains", "startsWith", "endsWith");

    private ExprParser(TokenCursor cursor) {
        super(cursor);
    }

    static Node parse(String text) {
        return new ExprParser(new TokenCursor(ExprLexer.tokens(text))).whole("expression");
    }

    @Override
    Optional<OperatorMatch> binaryOperatorAtCursor() {
        Token token = cursor.peek();
        if (token.kind() == Token.Kind.SYMBOL) {
            return Optional.ofNullable(switch (token.text()) {
                case "||" -> OperatorMatch.left(BinaryOperator.OR, 10);
                case "&&" -> OperatorMatch.left(BinaryOperator.AND, 15);
                case "==" -> OperatorMatch.left(BinaryOperator.EQUAL, 20);
                case "!=" -> OperatorMatch.left(BinaryOperator.NOT_EQUAL, 20);
                case "<" -> OperatorMatch.left(BinaryOperator.LESS, 20);
                case "<=" -> OperatorMatch.left(BinaryOperator.LESS_OR_EQUAL, 20);
                case ">" -> OperatorMatch.left(BinaryOperator.GREATER, 20);
                case ">=" -> OperatorMatch.left(BinaryOperator.GREATER_OR_EQUAL, 20);
                case "+" -> OperatorMatch.left(BinaryOperator.PLUS, 30);
                case "-" -> OperatorMatch.left(BinaryOperator.MINUS, 30);
                case "*" -> OperatorMatch.left(BinaryOperator.TIMES, 60);
                case "/" -> OperatorMatch.left(BinaryOperator.DIVIDE, 60);
                case "%" -> OperatorMatch.left(BinaryOperator.MODULO, 60);
                case "**", "^" -> new OperatorMatch(BinaryOperator.POWER, 100, true, 1);
                case "??" -> OperatorMatch.left(BinaryOperator.COALESCE, 500);
                default -> null;
            });
        } else if (token.kind() == Token.Kind.IDENTIFIER) {
            return Optional.ofNullable(switch (token.text()) {
                case "or" -> OperatorMatch.left(BinaryOperator.OR, 10);
                case "and" -> OperatorMatch.left(BinaryOperator.AND, 15);
                case "in" -> OperatorMatch.left(BinaryOperator.IN, 20);
                case "matches" -> OperatorMatch.left(BinaryOperator.MATCHES, 20);
                case "contains" -> OperatorMatch.left(BinaryOperator.CONTAINS, 20);
                case "startsWith" -> OperatorMatch.left(BinaryOperator.STARTS_WITH, 20);
                case "endsWith" -> OperatorMatch.left(BinaryOperator.ENDS_WITH, 20);
                case "not" -> cursor.peek(1).is("in")
                        ? new OperatorMatch(BinaryOperator.NOT_IN, 20, false, 2) : null;
                default -> null;
            });
        }
        return Optional.empty();
    }

    @Override
    Node unary() {
        Token token = cursor.peek();
        UnaryOperator operator = null;
        int precedence = 0;
        if (token.is("!") || (token.is("not") && token.kind() == Token.Kind.IDENTIFIER)) {
            operator = UnaryOperator.NOT;
            precedence = 50;
        } else if (token.is("-") && token.kind() == Token.Kind.SYMBOL) {
            operator = UnaryOperator.NEGATE;
            precedence = 90;
        } else if (token.is("+") && token.kind() == Token.Kind.SYMBOL) {
            operator = UnaryOperator.PLUS;
            precedence = 90;
        }
        if (operator == null) {
            return postfix(primary());
        }
        cursor.next();
        cursor.enter(token.offset());
        Node operand = binary(precedence);
        cursor.leave();
        return new Node.Unary(operator, operand, token.offset());
    }

    private Node primary() {
        Token token = cursor.peek();
        switch (token.kind()) {
            case NUMBER, STRING, BOOL, NIL -> {
                cursor.next();
                return new Node.Literal(token.value(), token.offset());
            }
            case IDENTIFIER -> {
                return identifier();
            }
            case SYMBOL -> {
                if (cursor.accept("(")) {
                    Node inner = expression();
                    cursor.expect(")", "to close '(' at offset " + token.offset());
                    return inner;
                } else if (cursor.accept("[")) {
                    return new Node.ListLiteral(items("]", token), token.offset());
                } else if (cursor.accept("{")) {
                    return map(token);
                }
                throw cursor.unexpected("a value");
            }
            default -> throw cursor.unexpected("a value");
        }
    }

    private Node identifier() {
        Token name = cursor.next();
        if (WORD_OPERATORS.contains(name.text())) {
            throw new ExpressionException("expected a value, found operator '" + name.text() + "'", name.offset());
        }
        if (cursor.peek().is("(")) {
            return call(name.text(), name);
        }
        if (name.text().equals("sprig") && cursor.peek().is(".")
                && cursor.peek(1).kind() == Token.Kind.IDENTIFIER && cursor.peek(2).is("(")) {
            cursor.next();
            return call("sprig." + cursor.next().text(), name);
        }
        return new Node.Variable(List.of(name.text()), name.offset());
    }

    private Node call(String functionName, Token name) {
        Builtin function = Builtin.named(functionName).orElseThrow(() -> new ExpressionException(
                "unknown function '" + functionName + "'; allowed functions are " + Builtin.allowed(),
                name.offset()));
        Token open = cursor.expect("(", "after a function name");
        List<Node> arguments = items(")", open);
        function.checkArity(arguments.size(), name.offset());
        return new Node.Call(function, arguments, name.offset());
    }

    /** Comma-separated expressions up to {@code close}; a trailing comma is allowed, as in expr-lang. */
    private List<Node> items(String close, Token open) {
        List<Node> items = new ArrayList<>();
        while (!cursor.accept(close)) {
            items.add(expression());
            if (!cursor.accept(",")) {
                cursor.expect(close, "to close '" + open.text() + "' at offset " + open.offset());
                break;
            }
        }
        return List.copyOf(items);
    }

    private Node map(Token open) {
        List<Node.MapLiteral.Entry> entries = new ArrayList<>();
        while (!cursor.accept("}")) {
            Token key = cursor.next();
            if (key.kind() != Token.Kind.IDENTIFIER && key.kind() != Token.Kind.STRING
                    && key.kind() != Token.Kind.NUMBER) {
                throw new ExpressionException("expected a map key, found " + key.shown(), key.offset());
            }
            cursor.expect(":", "after a map key");
            entries.add(new Node.MapLiteral.Entry(key.text(), expression()));
            if (!cursor.accept(",")) {
                cursor.expect("}", "to close '{' at offset " + open.offset());
                break;
            }
        }
        return new Node.MapLiteral(List.copyOf(entries), open.offset());
    }

    /** Member access and indexing; constant names extend a variable path so that flat names resolve. */
    private Node postfix(Node start) {
        Node node = start;
        while (true) {
            Token token = cursor.peek();
            if (cursor.accept(".")) {
                Token member = cursor.next();
                if (member.kind() != Token.Kind.IDENTIFIER && member.kind() != Token.Kind.BOOL
                        && member.kind() != Token.Kind.NIL) {
                    throw new ExpressionException("expected a name after '.', found " + member.shown(),
                            member.offset());
                }
                node = member(node, new Node.Literal(member.text(), member.offset()), token.offset());
            } else if (cursor.accept("[")) {
                Node key = expression();
                cursor.expect("]", "to close '[' at offset " + token.offset());
                node = member(node, key, token.offset());
            } else if (token.is("(") && token.kind() == Token.Kind.SYMBOL) {
                throw new ExpressionException("only functions can be called; allowed functions are "
                        + Builtin.allowed(), token.offset());
            } else {
                return node;
            }
        }
    }

    private static Node member(Node target, Node key, int offset) {
        if (target instanceof Node.Variable variable && key instanceof Node.Literal literal
                && literal.value() instanceof String segment) {
            return variable.then(segment);
        }
        return new Node.Index(target, key, offset);
    }
}
