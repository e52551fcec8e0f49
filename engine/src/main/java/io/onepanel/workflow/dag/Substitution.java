package io.onepanel.workflow.dag;

import io.onepanel.workflow.expr.ExpressionException;
import io.onepanel.workflow.expr.Tag;
import io.onepanel.workflow.template.Arguments;
import io.onepanel.workflow.template.KubernetesExpansion;
import io.onepanel.workflow.template.Template;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * The single pass that replaces the tags of a piece of template text, with the place it belongs to
 * ({@code task 'B': argument 'message'}) for its errors. Every template text goes through exactly one
 * substitution, when all it may name is known, and values are inserted as they are: nothing a value
 * contains is ever substituted or evaluated.
 */
final class Substitution {

    private final Vars vars;
    private final String where;
    private final BiConsumer<Tag, String> unresolved;

    private Substitution(Vars vars, String where, BiConsumer<Tag, String> unresolved) {
        this.vars = vars;
        this.where = where;
        this.unresolved = unresolved;
    }

    static Substitution of(Vars vars, String where) {
        return new Substitution(vars, where, (tag, variable) -> { });
    }

    /** The same substitution, telling {@code listener} of each tag left as written because a variable is missing. */
    Substitution reporting(BiConsumer<Tag, String> listener) {
        return new Substitution(vars, where, listener);
    }

    /**
     * @throws IllegalArgumentException naming the place, the text and what is wrong with it
     */
    String text(String text) {
        return substitute(text, UnaryOperator.identity());
    }

    /**
     * A container's command, args or env value, which Kubernetes expands: {@code $(VAR)} becomes a
     * variable's value and {@code $$} a {@code $}. The template's own text keeps that meaning; in
     * each inserted value every {@code $} is doubled, so the process gets the value literally.
     */
    String expanded(String text) {
        return substitute(text, KubernetesExpansion::literal);
    }

    private String substitute(String text, UnaryOperator<String> insert) {
        if (text == null || !text.contains("{{")) {
            return text;
        }
        try {
            return Expressions.substitute(text, vars, unresolved, insert);
        } catch (ExpressionException e) {
            throw new IllegalArgumentException(where + ": '" + abbreviate(text) + "': " + e.reason(), e);
        }
    }

    Template apply(Template template) {
        return new TemplateSubstitution(this::text, this::expanded).apply(template);
    }

    Arguments arguments(Arguments arguments) {
        return new TemplateSubstitution(this::text).arguments(arguments);
    }

    static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 197) + "...";
    }
}
