package io.onepanel.workflow.dag;

import io.onepanel.workflow.expr.DependsExpression;
import io.onepanel.workflow.expr.Dialect;
import io.onepanel.workflow.expr.Expression;
import io.onepanel.workflow.expr.ExpressionException;
import io.onepanel.workflow.expr.Tag;
import io.onepanel.workflow.expr.TemplateText;
import io.onepanel.workflow.expr.UnresolvedPolicy;
import io.onepanel.workflow.expr.VariableScope;
import io.onepanel.workflow.template.ContinueOn;
import io.onepanel.workflow.template.DagTask;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/** The scheduler's one door into the {@code expr} package. */
final class Expressions {

    private Expressions() {}

    static VariableScope scope(Vars vars) {
        return VariableScope.of(vars.flatten());
    }

    /**
     * Replaces every tag of {@code text} from {@code vars}, in the one pass this text gets: values are
     * inserted as they are and never scanned again. A tag whose variable is missing is left as written
     * and reported to {@code unresolved}.
     */
    static String substitute(String text, Vars vars, BiConsumer<Tag, String> unresolved) {
        return substitute(text, vars, unresolved, UnaryOperator.identity());
    }

    /** {@link #substitute(String, Vars, BiConsumer)} with each value passed through {@code insert} as it goes in. */
    static String substitute(String text, Vars vars, BiConsumer<Tag, String> unresolved, UnaryOperator<String> insert) {
        if (text == null || !text.contains("{{")) {
            return text;
        }
        // Expression tags may walk whole structures (inputs.parameters), so they get every variable.
        VariableScope scope = text.contains("{{=") ? scope(vars) : lazyScope(vars);
        return TemplateText.substitute(text, scope, UnresolvedPolicy.LEAVE, unresolved, insert);
    }

    static String substitute(String text, Vars vars) {
        return substitute(text, vars, (tag, variable) -> { });
    }

    /**
     * Argo's {@code when}: substituted, then evaluated with bare words as strings. As in Argo, the
     * substituted values become part of the condition's text (that is how {@code "{{x}} == heads"}
     * compares), but a tag inside a value is never substituted.
     */
    static boolean when(String text, Vars vars) {
        if (text == null || text.isBlank()) {
            return true;
        }
        String substituted = substitute(text, vars);
        Object result = Expression.parse(substituted, Dialect.WHEN).evaluate(lazyScope(vars));
        if (result instanceof Boolean b) {
            return b;
        }
        throw new ExpressionException("expected a boolean from when '" + text + "', got " + result, 0);
    }

    /** An expr-language expression ({@code valueFrom.expression}, {@code fromExpression}). */
    static Object evaluate(String expression, Vars vars) {
        return Expression.parse(expression, Dialect.EXPR).evaluate(scope(vars));
    }

    /**
     * The task's depends logic, with legacy {@code dependencies} converted as Argo converts them;
     * null for a task that depends on nothing.
     */
    static DependsExpression dependsOf(DagTask task, Map<String, DagTask> tasks) {
        if (task.depends() != null && !task.depends().isBlank()) {
            // Argo widens a bare name by the named task's continueOn (ancestry.go, expandDependency).
            return DependsExpression.parse(task.depends()).expand(dep -> continueOn(tasks, dep).failed(),
                    dep -> continueOn(tasks, dep).error());
        }
        if (task.dependencies().isEmpty()) {
            return null;
        }
        return DependsExpression.fromDependencies(task.dependencies(),
                dep -> continueOn(tasks, dep).failed(), dep -> continueOn(tasks, dep).error());
    }

    private static ContinueOn continueOn(Map<String, DagTask> tasks, String name) {
        DagTask t = tasks.get(name);
        return t == null || t.continueOn() == null ? ContinueOn.NEVER : t.continueOn();
    }

    private static VariableScope lazyScope(Vars vars) {
        return new VariableScope() {
            @Override
            public Optional<String> lookup(String name) {
                return vars.get(name);
            }
        };
    }
}
