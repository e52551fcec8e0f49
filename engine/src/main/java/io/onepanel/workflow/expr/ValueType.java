package io.onepanel.workflow.expr;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kinds of value an expression works with. Everything that enters an evaluation is normalised to one of
 * them, so that operators only ever meet String, Long, Double, Boolean, List, Map or null and never an
 * arbitrary object (no reflection, no surprises).
 */
enum ValueType {
    NIL("nil"),
    STRING("a string"),
    INT("an int"),
    FLOAT("a float"),
    BOOL("a bool"),
    LIST("a list"),
    MAP("a map");

    private final String description;

    ValueType(String description) {
        this.description = description;
    }

    /** How an error message names the type: "a string", "an int". */
    String description() {
        return description;
    }

    static ValueType of(Object value) {
        if (value == null) {
            return NIL;
        } else if (value instanceof String) {
            return STRING;
        } else if (value instanceof Long) {
            return INT;
        } else if (value instanceof Double) {
            return FLOAT;
        } else if (value instanceof Boolean) {
            return BOOL;
        } else if (value instanceof List) {
            return LIST;
        } else if (value instanceof Map) {
            return MAP;
        }
        throw new IllegalArgumentException("not a normalised value: " + value.getClass().getName());
    }

    static String describe(Object value) {
        return of(value).description;
    }

    static boolean isNumber(Object value) {
        return value instanceof Long || value instanceof Double;
    }

    /**
     * Turns a value handed in by a caller (a scope, JSON) into the normalised form: integral numbers become Long,
     * other numbers Double, collections unmodifiable lists and maps with string keys.
     *
     * @throws IllegalArgumentException for anything else, so that a caller's mistake shows where it is made
     */
    static Object normalise(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean
                || value instanceof Long || value instanceof Double) {
            return value;
        } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        } else if (value instanceof BigInteger big) {
            return big.bitLength() < 64 ? (Object) big.longValue() : (Object) big.doubleValue();
        } else if (value instanceof Float || value instanceof BigDecimal) {
            return ((Number) value).doubleValue();
        } else if (value instanceof Character c) {
            return c.toString();
        } else if (value instanceof Collection<?> items) {
            List<Object> list = new ArrayList<>(items.size());
            for (Object item : items) {
                list.add(normalise(item));
            }
            return Collections.unmodifiableList(list);
        } else if (value instanceof Map<?, ?> entries) {
            Map<String, Object> map = new LinkedHashMap<>();
            entries.forEach((key, item) -> map.put(String.valueOf(key), normalise(item)));
            return Collections.unmodifiableMap(map);
        }
        throw new IllegalArgumentException("unsupported value type " + value.getClass().getName()
                + "; use String, Number, Boolean, List or Map");
    }
}
