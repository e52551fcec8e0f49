package io.onepanel.workflow.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The part of JSONPath that templates use to pick one value out of a JSON document: {@code $}, {@code .key},
 * {@code ['key']}, {@code ["key"]} and {@code [index]} (negative counts from the end). Filters, wildcards and
 * recursive descent are not supported; they select many values, and a tag inserts one.
 *
 * @param steps String keys and Integer indexes, in order
 */
record JsonPath(String text, List<Object> steps) {

    /**
     * @param offset where the path argument sits in the expression, for errors
     */
    static JsonPath parse(String text, int offset) {
        if (!text.startsWith("$")) {
            throw unsupported(text, "it must start with '$'", offset);
        }
        List<Object> steps = new ArrayList<>();
        int i = 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '.') {
                int start = ++i;
                while (i < text.length() && text.charAt(i) != '.' && text.charAt(i) != '[') {
                    i++;
                }
                if (i == start) {
                    throw unsupported(text, "a name must follow '.'", offset);
                }
                steps.add(text.substring(start, i));
            } else if (c == '[') {
                int close = text.indexOf(']', i);
                if (close < 0) {
                    throw unsupported(text, "'[' is not closed", offset);
                }
                steps.add(bracket(text, text.substring(i + 1, close).trim(), offset));
                i = close + 1;
            } else {
                throw unsupported(text, "unexpected '" + c + "'", offset);
            }
        }
        return new JsonPath(text, List.copyOf(steps));
    }

    private static Object bracket(String path, String inside, int offset) {
        if (inside.length() >= 2 && (inside.startsWith("'") && inside.endsWith("'")
                || inside.startsWith("\"") && inside.endsWith("\""))) {
            return inside.substring(1, inside.length() - 1);
        }
        try {
            return Integer.parseInt(inside);
        } catch (NumberFormatException e) {
            throw unsupported(path, "'[" + inside + "]' is neither a quoted key nor an index", offset);
        }
    }

    Object select(Object document, int offset) {
        Object current = document;
        StringBuilder at = new StringBuilder("$");
        for (Object step : steps) {
            if (step instanceof String key && current instanceof Map<?, ?> map && map.containsKey(key)) {
                current = map.get(key);
                at.append('.').append(key);
            } else if (step instanceof Integer index && current instanceof List<?> list
                    && index < list.size() && -index <= list.size()) {
                current = list.get(index < 0 ? list.size() + index : index);
                at.append('[').append(index).append(']');
            } else {
                String what = step instanceof String key ? "key '" + key + "'" : "index " + step;
                throw new ExpressionException("jsonpath '" + text + "': no " + what + " in "
                        + ValueType.describe(current) + " at " + at, offset);
            }
        }
        return current;
    }

    private static ExpressionException unsupported(String path, String why, int offset) {
        return new ExpressionException("unsupported jsonpath '" + path + "': " + why
                + " (supported: $.a.b, $.a[0], $['a'])", offset);
    }
}
