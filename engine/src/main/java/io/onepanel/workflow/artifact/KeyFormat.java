package io.onepanel.workflow.artifact;

import io.onepanel.workflow.expr.ExpressionException;
import io.onepanel.workflow.expr.TemplateText;
import io.onepanel.workflow.expr.UnresolvedPolicy;
import io.onepanel.workflow.expr.UnresolvedVariableException;
import io.onepanel.workflow.expr.VariableScope;
import java.util.Map;

/**
 * Expands the repository's key format (and keys that still hold variables) with {@code {{...}}}
 * variables such as {@code workflow.namespace}, {@code workflow.name} and {@code pod.name}, the
 * same way every other template text is expanded. Every variable must be known: a key is never
 * written with a placeholder left in it.
 */
public final class KeyFormat {

    private KeyFormat() {}

    /**
     * @throws IllegalArgumentException naming the unknown variable and the format
     */
    public static String expand(String format, Map<String, String> variables) {
        try {
            return TemplateText.substitute(format, VariableScope.of(variables), UnresolvedPolicy.FAIL);
        } catch (UnresolvedVariableException e) {
            throw new IllegalArgumentException("key format '" + format + "': unknown variable '" + e.variable()
                    + "' (known: " + String.join(", ", new java.util.TreeSet<>(variables.keySet())) + ")", e);
        } catch (ExpressionException e) {
            throw new IllegalArgumentException("key format '" + format + "': " + e.reason(), e);
        }
    }
}
