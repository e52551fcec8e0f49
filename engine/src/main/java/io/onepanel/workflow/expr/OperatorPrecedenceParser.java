package io.onepanel.workflow.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Binary operators by precedence climbing, shared by the two dialects, which differ only in their operator
 * tables and their operands. Runs of left-associative operators of one level become one {@link Node.Chain},
 * so {@code a || b || ... } of any length adds one level to the tree, not one per operator.
 */
abstract class OperatorPrecedenceParser {

    /** A binary operator at the cursor: which one, how tightly it binds, how many tokens it spans. */
    record OperatorMatch(BinaryOperator operator, int precedence, boolean rightAssociative, int tokens) {
        static OperatorMatch left(BinaryOperator operator, int precedence) {
            return new OperatorMatch(operator, precedence, false, 1);
        }
    }

    protected final TokenCursor cursor;

    OperatorPrecedenceParser(TokenCursor cursor) {
        this.cursor = cursor;
    }

    /** The whole text as one {@code what} ("expression", "condition"), and nothing after it. */
    final Node whole(String what) {
        if (cursor.atEnd()) {
            throw new ExpressionException("empty " + what, 0);
        }
        Node root = expression();
        if (!cursor.atEnd()) {
            throw cursor.unexpected("an operator or the end of the " + what);
        }
        return root;
    }

    /** A whole (sub-)expression: the ternary level. Every nested one passes the nesting guard. */
    final Node expression() {
        int offset = cursor.peek().offset();
        cursor.enter(offset);
        Node condition = binary(0);
        Node result = condition;
        if (cursor.accept("?")) {
            Node then = expression();
            cursor.expect(":", "in a conditional 'condition ? then : otherwise'");
            Node otherwise = expression();
            result = new Node.Conditional(condition, then, otherwise, offset);
        }
        cursor.leave();
        return result;
    }

    abstract Optional<OperatorMatch> binaryOperatorAtCursor();

    /** An operand with its prefix operators. */
    abstract Node unary();

    final Node binary(int minimumPrecedence) {
        Node first = unary();
        List<Node.Chain.Link> links = null;
        int chainPrecedence = -1;
        while (true) {
            Optional<OperatorMatch> found = binaryOperatorAtCursor();
            if (found.isEmpty() || found.get().precedence() < minimumPrecedence) {
                break;
            }
            OperatorMatch match = found.get();
            int offset = cursor.peek().offset();
            for (int i = 0; i < match.tokens(); i++) {
                cursor.next();
            }
            Node right;
            if (match.rightAssociative()) {
                cursor.enter(offset);
                right = binary(match.precedence());
                cursor.leave();
            } else {
                right = binary(match.precedence() + 1);
            }
            Node.Chain.Link link = new Node.Chain.Link(match.operator(), right, offset);
            if (links != null && match.precedence() == chainPrecedence && !match.rightAssociative()) {
                links.add(link);
            } else {
                if (links != null) {
                    first = new Node.Chain(first, List.copyOf(links));
                }
                links = new ArrayList<>();
                links.add(link);
                chainPrecedence = match.precedence();
            }
        }
        return links == null ? first : new Node.Chain(first, List.copyOf(links));
    }
}
