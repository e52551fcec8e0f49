/**
 * The expression languages of Argo/Onepanel workflow templates, parsed and evaluated by our own code.
 *
 * <ul>
 * <li>{@link io.onepanel.workflow.expr.TemplateText}: {@code {{name}}} and {@code {{=expression}}} tags in any
 * text, found with their offsets and substituted from a {@link io.onepanel.workflow.expr.VariableScope}.</li>
 * <li>{@link io.onepanel.workflow.expr.Expression}: the {@code when} language (govaluate as Argo uses it) and the
 * {@code {{=...}}} language (a subset of expr-lang), both bounded in length, nesting and work.</li>
 * <li>{@link io.onepanel.workflow.expr.DependsExpression}: the {@code depends} language of DAG tasks, and the
 * conversion of the legacy {@code dependencies} list into it.</li>
 * </ul>
 *
 * <p>Every error a user can cause is an {@link io.onepanel.workflow.expr.ExpressionException} with a 0-based
 * offset into the text that was parsed, so that callers can report {@code file:line:column}.
 */
package io.onepanel.workflow.expr;
