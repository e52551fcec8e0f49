package io.onepanel.workflow.dag;

import io.onepanel.workflow.expr.ExpressionException;
import io.onepanel.workflow.template.Parameter;
import io.onepanel.workflow.template.Template;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A DAG's output parameters once its tasks are done, as Argo's {@code getTemplateOutputsFromScope}
 * takes them: {@code valueFrom.parameter} substituted, or {@code valueFrom.expression} evaluated;
 * when that cannot resolve (a task's output that never came, an expression that fails or gives
 * nothing), {@code valueFrom.default} if there is one, else the DAG errors naming the parameter.
 */
final class DagOutputParameters {

    private DagOutputParameters() {}

    /**
     * @param exportGlobal told of each parameter with a {@code globalName}
     * @throws IllegalArgumentException naming the parameter that has no value
     */
    static Map<String, String> collect(Template template, Vars taskVars, BiConsumer<String, String> exportGlobal) {
        Map<String, String> params = new LinkedHashMap<>();
        for (Parameter p : template.outputs().parameters()) {
            Substitution once = Substitution.of(taskVars, "output parameter '" + p.name() + "'");
            String value = resolve(p, taskVars, once);
            if (value == null && p.valueFrom() != null) {
                value = once.text(p.valueFrom().defaultValue());
            }
            if (value == null) {
                throw new IllegalArgumentException("output parameter '" + p.name() + "' has no value: "
                        + (p.valueFrom() != null && p.valueFrom().parameter() != null
                                ? "'" + p.valueFrom().parameter() + "' names an output no task produced"
                                : "its expression gave nothing")
                        + "; give it a valueFrom.default");
            }
            params.put(p.name(), value);
            if (p.globalName() != null) {
                exportGlobal.accept(p.globalName(), value);
            }
        }
        return params;
    }

    /** The parameter's value, or null when it cannot resolve and a default may stand in. */
    private static String resolve(Parameter p, Vars taskVars, Substitution once) {
        if (p.valueFrom() == null) {
            return null; // a DAG output without valueFrom is refused before the run (OutputParameterCheck)
        }
        if (p.valueFrom().parameter() != null) {
            boolean[] missing = {false};
            String value = once.reporting((tag, variable) -> missing[0] = true).text(p.valueFrom().parameter());
            return missing[0] ? null : value; // an output that never came: the default, if any
        }
        if (p.valueFrom().expression() == null) {
            return null;
        }
        try {
            Object v = Expressions.evaluate(p.valueFrom().expression(), taskVars);
            return v == null ? null : LoopItem.text(v);
        } catch (ExpressionException e) {
            if (p.valueFrom().defaultValue() != null) {
                return null; // Argo uses the default when the expression cannot resolve
            }
            throw new IllegalArgumentException("output parameter '" + p.name() + "': valueFrom.expression '"
                    + p.valueFrom().expression() + "': " + e.reason() + "; give it a valueFrom.default for when it"
                    + " cannot resolve", e);
        }
    }
}
