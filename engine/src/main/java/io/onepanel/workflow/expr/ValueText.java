package io.onepanel.workflow.expr;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * How a value is written into text when a tag is substituted: strings as they are, integral numbers without a
 * trailing {@code .0} (an expression often computes a float that users think of as an int, and
 * {@code --epochs=5.0} breaks programs), other numbers in plain decimal, booleans as {@code true}/{@code false},
 * lists and maps as JSON (Argo's {@code withParam} and most programs want JSON, not Go's {@code [a b]}).
 */
final class ValueText {

    private ValueText() {
    }

    static String of(Object value) {
        if (value == null) {
            return "";
        } else if (value instanceof String text) {
            return text;
        } else if (value instanceof Double number) {
            return number(number);
        } else if (value instanceof List || value instanceof Map) {
            return Json.write(value);
        }
        return value.toString();
    }

    static String number(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        } else if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        } else if (value == Math.rint(value) && Math.abs(value) < 1e18) {
            return Long.toString((long) value);
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
