package io.onepanel.workflow.expr;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The functions an expression may call: a fixed allow-list of what Argo templates use (Argo's {@code asInt},
 * {@code asFloat}, {@code toJson}, {@code jsonpath}, expr-lang builtins, a handful of Sprig functions under
 * {@code sprig.}). Anything else is refused at parse time. Sprig functions take their subject last, as in
 * Sprig: {@code sprig.replace(old, new, text)}.
 */
enum Builtin {
    AS_INT("asInt", 1, 1, a -> toInt(a, 0)),
    INT("int", 1, 1, a -> toInt(a, 0)),
    AS_FLOAT("asFloat", 1, 1, a -> toFloat(a, 0)),
    FLOAT("float", 1, 1, a -> toFloat(a, 0)),
    STRING("string", 1, 1, a -> ValueText.of(a.value(0))),
    LEN("len", 1, 1, Builtin::length),
    TO_JSON("toJson", 1, 1, a -> Json.write(a.value(0))),
    TO_JSON_UPPER("toJSON", 1, 1, a -> Json.write(a.value(0))),
    FROM_JSON("fromJson", 1, 1, a -> Json.read(a.string(0), a.offset())),
    FROM_JSON_UPPER("fromJSON", 1, 1, a -> Json.read(a.string(0), a.offset())),
    JSONPATH("jsonpath", 2, 2, Builtin::jsonpath),
    UPPER("upper", 1, 1, a -> a.string(0).toUpperCase(Locale.ROOT)),
    LOWER("lower", 1, 1, a -> a.string(0).toLowerCase(Locale.ROOT)),
    TRIM("trim", 1, 2, a -> a.size() == 1 ? a.string(0).strip() : trimChars(a.string(0), a.string(1))),
    SPLIT("split", 2, 2, a -> split(a.string(0), a.string(1))),
    JOIN("join", 1, 2, a -> join(a, a.list(0), a.size() == 2 ? a.string(1) : "")),
    REPLACE("replace", 3, 3, a -> replace(a, a.string(0), a.string(1), a.string(2))),
    SPRIG_UPPER("sprig.upper", 1, 1, a -> a.string(0).toUpperCase(Locale.ROOT)),
    SPRIG_LOWER("sprig.lower", 1, 1, a -> a.string(0).toLowerCase(Locale.ROOT)),
    SPRIG_TRIM("sprig.trim", 1, 1, a -> a.string(0).strip()),
    SPRIG_REPLACE("sprig.replace", 3, 3, a -> replace(a, a.string(2), a.string(0), a.string(1))),
    SPRIG_TRIM_PREFIX("sprig.trimPrefix", 2, 2,
            a -> a.string(1).startsWith(a.string(0)) ? a.string(1).substring(a.string(0).length()) : a.string(1)),
    SPRIG_TRIM_SUFFIX("sprig.trimSuffix", 2, 2, a -> a.string(1).endsWith(a.string(0))
            ? a.string(1).substring(0, a.string(1).length() - a.string(0).length()) : a.string(1)),
    SPRIG_CONTAINS("sprig.contains", 2, 2, a -> a.string(1).contains(a.string(0))),
    SPRIG_HAS_PREFIX("sprig.hasPrefix", 2, 2, a -> a.string(1).startsWith(a.string(0))),
    SPRIG_HAS_SUFFIX("sprig.hasSuffix", 2, 2, a -> a.string(1).endsWith(a.string(0))),
    SPRIG_DEFAULT("sprig.default", 2, 2, a -> isEmpty(a.value(1)) ? a.value(0) : a.value(1)),
    SPRIG_INT("sprig.int", 1, 1, Builtin::sprigInt),
    SPRIG_TO_STRING("sprig.toString", 1, 1, a -> ValueText.of(a.value(0))),
    SPRIG_TO_JSON("sprig.toJson", 1, 1, a -> Json.write(a.value(0))),
    SPRIG_SPLIT_LIST("sprig.splitList", 2, 2, a -> split(a.string(1), a.string(0))),
    SPRIG_JOIN("sprig.join", 2, 2, a -> join(a, a.list(1), a.string(0))),
    SPRIG_B64ENC("sprig.b64enc", 1, 1,
            a -> Base64.getEncoder().encodeToString(a.string(0).getBytes(StandardCharsets.UTF_8))),
    SPRIG_B64DEC("sprig.b64dec", 1, 1, Builtin::base64Decode),
    SPRIG_SHA256SUM("sprig.sha256sum", 1, 1, Builtin::sha256);

    /** The evaluated arguments of one call, with typed access that names the function in its errors. */
    record Arguments(Builtin function, List<Object> values, int offset) {

        int size() {
            return values.size();
        }

        Object value(int index) {
            return values.get(index);
        }

        String string(int index) {
            if (values.get(index) instanceof String text) {
                return text;
            }
            throw wrongType(index, "a string");
        }

        List<?> list(int index) {
            if (values.get(index) instanceof List<?> list) {
                return list;
            }
            throw wrongType(index, "a list");
        }

        ExpressionException wrongType(int index, String expected) {
            return new ExpressionException(function.functionName + ": argument " + (index + 1) + " must be "
                    + expected + ", got " + ValueType.describe(values.get(index)), offset);
        }

        ExpressionException failure(String why) {
            return new ExpressionException(function.functionName + ": " + why, offset);
        }
    }

    private interface Body {
        Object apply(Arguments arguments);
    }

    private final String functionName;
    private final int minArguments;
    private final int maxArguments;
    private final Body body;

    Builtin(String functionName, int minArguments, int maxArguments, Body body) {
        this.functionName = functionName;
        this.minArguments = minArguments;
        this.maxArguments = maxArguments;
        this.body = body;
    }

    String functionName() {
        return functionName;
    }

    static Optional<Builtin> named(String name) {
        return Arrays.stream(values()).filter(f -> f.functionName.equals(name)).findFirst();
    }

    static String allowed() {
        return Arrays.stream(values()).map(f -> f.functionName).collect(Collectors.joining(", "));
    }

    /** Refuses a call with the wrong number of arguments while parsing, where the offset is exact. */
    void checkArity(int count, int offset) {
        if (count < minArguments || count > maxArguments) {
            String expected = minArguments == maxArguments ? String.valueOf(minArguments)
                    : minArguments + " to " + maxArguments;
            throw new ExpressionException("function '" + functionName + "' takes " + expected + " argument"
                    + (maxArguments == 1 ? "" : "s") + ", got " + count, offset);
        }
    }

    Object call(List<Object> values, int offset) {
        return ValueType.normalise(body.apply(new Arguments(this, values, offset)));
    }

    private static Object toInt(Arguments a, int index) {
        Object value = a.value(index);
        if (value instanceof Long) {
            return value;
        } else if (value instanceof Double number) {
            if (number.isNaN() || number.isInfinite()) {
                throw a.failure("cannot convert " + ValueText.of(number) + " to an int");
            }
            return number.longValue();
        } else if (value instanceof String text) {
            // Argo trims task results, but parameters read from files keep their newline; accept both.
            try {
                return Long.parseLong(text.strip());
            } catch (NumberFormatException e) {
                throw a.failure("cannot convert string '" + text + "' to an int");
            }
        }
        throw a.wrongType(index, "a number or a string");
    }

    private static Object toFloat(Arguments a, int index) {
        Object value = a.value(index);
        if (value instanceof Double) {
            return value;
        } else if (value instanceof Long number) {
            return number.doubleValue();
        } else if (value instanceof String text) {
            try {
                return Double.parseDouble(text.strip());
            } catch (NumberFormatException e) {
                throw a.failure("cannot convert string '" + text + "' to a float");
            }
        }
        throw a.wrongType(index, "a number or a string");
    }

    /** Sprig's int never fails: what it cannot convert is 0 (Argo's documentation warns about it). */
    private static Object sprigInt(Arguments a) {
        try {
            return toInt(a, 0);
        } catch (ExpressionException e) {
            if (a.value(0) instanceof String text) {
                try {
                    return (long) Double.parseDouble(text.strip());
                } catch (NumberFormatException notANumber) {
                    return 0L;
                }
            }
            return 0L;
        }
    }

    private static Object length(Arguments a) {
        Object value = a.value(0);
        if (value instanceof String text) {
            return (long) text.codePointCount(0, text.length());
        } else if (value instanceof List<?> list) {
            return (long) list.size();
        } else if (value instanceof Map<?, ?> map) {
            return (long) map.size();
        }
        throw a.wrongType(0, "a string, a list or a map");
    }

    private static Object jsonpath(Arguments a) {
        Object document = a.value(0) instanceof String text ? Json.read(text, a.offset()) : a.value(0);
        return JsonPath.parse(a.string(1), a.offset()).select(document, a.offset());
    }

    private static String trimChars(String text, String cutset) {
        int start = 0;
        int end = text.length();
        while (start < end && cutset.indexOf(text.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && cutset.indexOf(text.charAt(end - 1)) >= 0) {
            end--;
        }
        return text.substring(start, end);
    }

    /** Go's strings.Split: a literal separator, never a regular expression; empty splits into characters. */
    private static List<String> split(String text, String separator) {
        List<String> parts = new ArrayList<>();
        if (separator.isEmpty()) {
            text.codePoints().forEach(c -> parts.add(new String(Character.toChars(c))));
            return parts;
        }
        int start = 0;
        int found;
        while ((found = text.indexOf(separator, start)) >= 0) {
            parts.add(text.substring(start, found));
            start = found + separator.length();
        }
        parts.add(text.substring(start));
        return parts;
    }

    /** Refuses a replacement whose result would pass {@link Limits#MAX_VALUE}, before building it. */
    private static String replace(Arguments a, String text, String old, String replacement) {
        long growth = (long) replacement.length() - old.length();
        if (growth > 0) {
            long count = 0;
            if (old.isEmpty()) {
                count = text.length() + 1L;
            } else {
                for (int at = text.indexOf(old); at >= 0; at = text.indexOf(old, at + old.length())) {
                    count++;
                }
            }
            if (text.length() + count * growth > Limits.MAX_VALUE) {
                throw a.failure("the result would be " + (text.length() + count * growth)
                        + " characters long; at most " + Limits.MAX_VALUE + " are allowed");
            }
        }
        return text.replace(old, replacement);
    }

    private static String join(Arguments a, List<?> items, String separator) {
        long size = Math.max(0, items.size() - 1L) * separator.length()
                + Evaluation.size(items, Limits.MAX_VALUE + 1L);
        if (size > Limits.MAX_VALUE) {
            throw a.failure("the result would be longer than " + Limits.MAX_VALUE + " characters");
        }
        return items.stream().map(ValueText::of).collect(Collectors.joining(separator));
    }

    private static boolean isEmpty(Object value) {
        return value == null || "".equals(value) || Boolean.FALSE.equals(value)
                || (ValueType.isNumber(value) && ((Number) value).doubleValue() == 0)
                || (value instanceof List<?> list && list.isEmpty())
                || (value instanceof Map<?, ?> map && map.isEmpty());
    }

    private static Object base64Decode(Arguments a) {
        try {
            return new String(Base64.getDecoder().decode(a.string(0).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw a.failure("not base64: " + e.getMessage());
        }
    }

    private static Object sha256(Arguments a) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(a.string(0).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
