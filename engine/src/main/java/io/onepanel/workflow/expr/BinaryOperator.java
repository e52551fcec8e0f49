package io.onepanel.workflow.expr;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The binary operators of both dialects and what they do to values. Where govaluate and expr-lang differ, the
 * evaluation's dialect decides (string concatenation with a number, {@code %} on floats, {@code in} on a single
 * value).
 */
enum BinaryOperator {
    OR("||"), AND("&&"), COALESCE("??"),
    EQUAL("=="), NOT_EQUAL("!="), LESS("<"), LESS_OR_EQUAL("<="), GREATER(">"), GREATER_OR_EQUAL(">="),
    MATCHES("matches"), NOT_MATCHES("!~"), IN("in"), NOT_IN("not in"),
    CONTAINS("contains"), STARTS_WITH("startsWith"), ENDS_WITH("endsWith"),
    PLUS("+"), MINUS("-"), TIMES("*"), DIVIDE("/"), MODULO("%"), POWER("**");

    private final String symbol;

    BinaryOperator(String symbol) {
        this.symbol = symbol;
    }

    String symbol() {
        return symbol;
    }

    /**
     * @param right evaluated only when needed, so that {@code &&}, {@code ||} and {@code ??} short-circuit
     */
    Object apply(Object left, Supplier<Object> right, Evaluation evaluation, int offset) {
        Dialect dialect = evaluation.dialect();
        return switch (this) {
            case OR -> bool(left, offset) || bool(right.get(), offset);
            case AND -> bool(left, offset) && bool(right.get(), offset);
            case COALESCE -> left != null ? left : right.get();
            case EQUAL -> equal(left, right.get());
            case NOT_EQUAL -> !equal(left, right.get());
            case LESS -> compare(left, right.get(), offset) < 0;
            case LESS_OR_EQUAL -> compare(left, right.get(), offset) <= 0;
            case GREATER -> compare(left, right.get(), offset) > 0;
            case GREATER_OR_EQUAL -> compare(left, right.get(), offset) >= 0;
            case MATCHES -> matches(left, right.get(), dialect, offset);
            case NOT_MATCHES -> !matches(left, right.get(), dialect, offset);
            case IN -> in(left, right.get(), dialect, offset);
            case NOT_IN -> !in(left, right.get(), dialect, offset);
            case CONTAINS -> string(left, offset).contains(string(right.get(), offset));
            case STARTS_WITH -> string(left, offset).startsWith(string(right.get(), offset));
            case ENDS_WITH -> string(left, offset).endsWith(string(right.get(), offset));
            case PLUS -> plus(left, right.get(), dialect, offset);
            case MINUS, TIMES, DIVIDE, MODULO, POWER -> arithmetic(left, right.get(), dialect, offset);
        };
    }

    /** Numbers equal by value whatever their type ({@code 1 == 1.0}); anything else by content. */
    static boolean equal(Object left, Object right) {
        if (ValueType.isNumber(left) && ValueType.isNumber(right)) {
            if (left instanceof Long a && right instanceof Long b) {
                return a.longValue() == b.longValue();
            }
            return ((Number) left).doubleValue() == ((Number) right).doubleValue();
        }
        return Objects.equals(left, right);
    }

    private int compare(Object left, Object right, int offset) {
        if (left instanceof Long a && right instanceof Long b) {
            return Long.compare(a, b);
        } else if (ValueType.isNumber(left) && ValueType.isNumber(right)) {
            return Double.compare(((Number) left).doubleValue(), ((Number) right).doubleValue());
        } else if (left instanceof String a && right instanceof String b) {
            return a.compareTo(b);
        }
        throw mismatch("two numbers or two strings", left, right, offset);
    }

    private boolean matches(Object left, Object right, Dialect dialect, int offset) {
        // After substitution `{{x}} =~ ^5` may see the number 5 where the user wrote text.
        Object subject = dialect == Dialect.WHEN && ValueType.isNumber(left) ? ValueText.of(left) : left;
        if (!(subject instanceof String text) || !(right instanceof String pattern)) {
            throw mismatch("a string and a regular expression", left, right, offset);
        }
        try {
            return Pattern.compile(pattern).matcher(text).find();
        } catch (PatternSyntaxException e) {
            throw new ExpressionException("invalid regular expression '" + pattern + "': "
                    + e.getDescription(), offset);
        }
    }

    private boolean in(Object left, Object right, Dialect dialect, int offset) {
        if (right instanceof List<?> list) {
            return list.stream().anyMatch(item -> equal(left, item));
        } else if (right instanceof Map<?, ?> map && dialect == Dialect.EXPR) {
            return left instanceof String key && map.containsKey(key);
        } else if (dialect == Dialect.WHEN) {
            // govaluate needs a list, but `x in (a)` reads as a list of one to anyone but govaluate.
            return equal(left, right);
        }
        throw new ExpressionException("operator 'in' needs a list or a map on its right, got "
                + ValueType.describe(right), offset);
    }

    private Object plus(Object left, Object right, Dialect dialect, int offset) {
        if (ValueType.isNumber(left) && ValueType.isNumber(right)) {
            return arithmetic(left, right, dialect, offset);
        } else if (left instanceof String a && right instanceof String b) {
            return a + b;
        } else if (dialect == Dialect.WHEN && (left instanceof String || right instanceof String)) {
            // govaluate concatenates when either side is a string.
            return ValueText.of(left) + ValueText.of(right);
        } else if (dialect == Dialect.EXPR && left instanceof List<?> a && right instanceof List<?> b) {
            List<Object> joined = new ArrayList<>(a);
            joined.addAll(b);
            return java.util.Collections.unmodifiableList(joined);
        }
        throw mismatch("two numbers or two strings", left, right, offset);
    }

    private Object arithmetic(Object left, Object right, Dialect dialect, int offset) {
        if (!ValueType.isNumber(left) || !ValueType.isNumber(right)) {
            throw mismatch("two numbers", left, right, offset);
        }
        if (left instanceof Long a && right instanceof Long b && this != DIVIDE && this != POWER) {
            return integerArithmetic(a, b, offset);
        }
        double a = ((Number) left).doubleValue();
        double b = ((Number) right).doubleValue();
        return switch (this) {
            case PLUS -> a + b;
            case MINUS -> a - b;
            case TIMES -> a * b;
            case DIVIDE -> {
                if (b == 0) {
                    throw new ExpressionException("division by zero", offset);
                }
                yield a / b;
            }
            case MODULO -> {
                if (dialect == Dialect.EXPR) {
                    throw mismatch("two ints", left, right, offset);
                }
                if (b == 0) {
                    throw new ExpressionException("division by zero", offset);
                }
                yield a % b;
            }
            case POWER -> Math.pow(a, b);
            default -> throw new IllegalStateException(name());
        };
    }

    private long integerArithmetic(long a, long b, int offset) {
        try {
            return switch (this) {
                case PLUS -> Math.addExact(a, b);
                case MINUS -> Math.subtractExact(a, b);
                case TIMES -> Math.multiplyExact(a, b);
                case MODULO -> {
                    if (b == 0) {
                        throw new ExpressionException("division by zero", offset);
                    }
                    yield a % b;
                }
                default -> throw new IllegalStateException(name());
            };
        } catch (ArithmeticException e) {
            throw new ExpressionException("integer overflow in '" + symbol + "'", offset);
        }
    }

    private boolean bool(Object value, int offset) {
        if (value instanceof Boolean b) {
            return b;
        }
        throw new ExpressionException("operator '" + symbol + "' needs booleans, got "
                + ValueType.describe(value), offset);
    }

    private String string(Object value, int offset) {
        if (value instanceof String s) {
            return s;
        }
        throw new ExpressionException("operator '" + symbol + "' needs strings, got "
                + ValueType.describe(value), offset);
    }

    private ExpressionException mismatch(String expected, Object left, Object right, int offset) {
        return new ExpressionException("operator '" + symbol + "' needs " + expected + ", got "
                + ValueType.describe(left) + " and " + ValueType.describe(right), offset);
    }
}
