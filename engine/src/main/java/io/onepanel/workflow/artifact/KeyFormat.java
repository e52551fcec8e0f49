package io.onepanel.workflow.artifact;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands {@code {{name}}} placeholders in an artifact repository's {@code keyFormat} (and in keys)
 * from a map of variables ({@code workflow.name}, {@code workflow.namespace}, {@code pod.name}, ...).
 * Deliberately tiny: plain lookups only, spaces inside the braces allowed, an unknown name is an
 * error. Full expressions belong to the {@code expr} package.
 */
public final class KeyFormat {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}\\s]+)\\s*}}");

    private KeyFormat() {}

    /**
     * @throws IllegalArgumentException naming the unknown variable and the format
     */
    public static String expand(String format, Map<String, String> variables) {
        Matcher m = PLACEHOLDER.matcher(format);
        StringBuilder out = new StringBuilder(format.length() + 32);
        while (m.find()) {
            String name = m.group(1);
            String value = variables.get(name);
            if (value == null) {
                throw new IllegalArgumentException(
                        "key format '" + format + "': unknown variable '" + name + "' (known: "
                                + String.join(", ", new java.util.TreeSet<>(variables.keySet())) + ")");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Whether {@code text} holds a {@code {{...}}} placeholder. */
    public static boolean hasPlaceholder(String text) {
        return text != null && PLACEHOLDER.matcher(text).find();
    }
}
