package io.onepanel.workflow.expr;

/** The prefix operators of both dialects. */
enum UnaryOperator {
    NOT("!"), NEGATE("-"), PLUS("+");

    private final String symbol;

    UnaryOperator(String symbol) {
        this.symbol = symbol;
    }

    String symbol() {
        return symbol;
    }

    Object apply(Object operand, int offset) {
        if (this == NOT) {
            if (operand instanceof Boolean b) {
                return !b;
            }
            throw new ExpressionException("operator '!' needs a boolean, got " + ValueType.describe(operand), offset);
        }
        if (operand instanceof Long number) {
            if (this == PLUS) {
                return number;
            }
            if (number == Long.MIN_VALUE) {
                throw new ExpressionException("integer overflow in '-'", offset);
            }
            return -number;
        } else if (operand instanceof Double number) {
            return this == PLUS ? number : -number;
        }
        throw new ExpressionException("operator '" + symbol + "' needs a number, got "
                + ValueType.describe(operand), offset);
    }
}
