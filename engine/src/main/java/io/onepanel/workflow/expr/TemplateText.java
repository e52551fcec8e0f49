package io.onepanel.workflow.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * The {@code {{...}}} tag language of Argo templates.
 *
 * <p>A tag runs from {@code {{} to the first {@code }}} after it, as in fasttemplate, which Argo uses; so
 * JSON such as {@code {"a": {"b": 1}}} contains no tag, and an expression tag cannot contain {@code }}}. When
 * the text before that {@code }}} holds several {@code {{}, the last one opens the tag and the earlier ones
 * are plain text ({@code {{{x}}}} is {@code {} + tag x + {@code }}), which is how Argo treats nested tags.
 *
 * <ul>
 * <li>A simple tag {@code {{ name }}} (whitespace inside allowed) is replaced by the variable's text.</li>
 * <li>An expression tag {@code {{=expr}}} ({@code =} right after the braces) is evaluated in the
 * {@link Dialect#EXPR} dialect and its value written as {@link ValueText} does: strings as they are, integral
 * numbers without {@code .0}, lists and maps as JSON.</li>
 * </ul>
 */
public final class TemplateText {

    private static final String OPEN = "{{";
    private static final String CLOSE = "}}";

    private TemplateText() {
    }

    /**
     * Every tag in {@code text}, in order.
     *
     * @throws ExpressionException at the offset of a {@code {{} that has no {@code }}} after it
     */
    public static List<Tag> scan(String text) {
        List<Tag> tags = new ArrayList<>();
        int from = 0;
        while (true) {
            int open = text.indexOf(OPEN, from);
            if (open < 0) {
                return List.copyOf(tags);
            }
            int close = text.indexOf(CLOSE, open + OPEN.length());
            if (close < 0) {
                throw new ExpressionException("'{{' is not closed with '}}'", open);
            }
            int start = text.lastIndexOf(OPEN, close - OPEN.length());
            String inner = text.substring(start + OPEN.length(), close);
            boolean isExpression = inner.startsWith("=");
            tags.add(new Tag(start, close + CLOSE.length(), isExpression ? inner.substring(1) : inner.strip(),
                    isExpression));
            from = close + CLOSE.length();
        }
    }

    /**
     * {@code text} with its tags replaced from {@code scope}.
     *
     * @param policy what to do with a tag whose variable is not in scope: {@link UnresolvedPolicy#KEEP} leaves it
     *               as written (also an expression tag that needs a missing variable, or evaluates to nil), for
     *               a later pass; {@link UnresolvedPolicy#FAIL} throws
     * @throws UnresolvedVariableException under FAIL, naming the variable, at the offset of its tag (or, in an
     *                                     expression, of the variable) in {@code text}
     * @throws ExpressionException         for a malformed tag or an expression that cannot be evaluated, at its
     *                                     offset in {@code text}
     */
    public static String substitute(String text, VariableScope scope, UnresolvedPolicy policy) {
        return substitute(text, scope, policy, (tag, variable) -> { });
    }

    /**
     * {@link #substitute(String, VariableScope, UnresolvedPolicy)} that also tells {@code unresolved} of every tag
     * left as written because a variable is missing (with the first missing variable).
     *
     * <p>Values are inserted as they are and the text is scanned once: a value that itself looks like a tag is
     * never substituted. The result is at most {@link Limits#MAX_TEXT} characters.
     *
     * @throws ExpressionException when the result would exceed {@link Limits#MAX_TEXT}
     */
    public static String substitute(String text, VariableScope scope, UnresolvedPolicy policy,
            BiConsumer<Tag, String> unresolved) {
        return substitute(text, scope, policy, unresolved, UnaryOperator.identity());
    }

    /**
     * {@link #substitute(String, VariableScope, UnresolvedPolicy, BiConsumer)} that passes each value through
     * {@code insert} before it goes in (escaping it for where the text goes); the text around the tags, and a tag
     * left as written, are not passed through it.
     */
    public static String substitute(String text, VariableScope scope, UnresolvedPolicy policy,
            BiConsumer<Tag, String> unresolved, UnaryOperator<String> insert) {
        List<Tag> tags = scan(text);
        if (tags.isEmpty()) {
            return text;
        }
        StringBuilder result = new StringBuilder(text.length());
        int copied = 0;
        for (Tag tag : tags) {
            result.append(text, copied, tag.start());
            Optional<String> replacement;
            if (policy == UnresolvedPolicy.LEAVE) {
                try {
                    replacement = tag.isExpression() ? evaluate(tag, scope, UnresolvedPolicy.FAIL)
                            : simple(tag, scope, UnresolvedPolicy.FAIL);
                } catch (UnresolvedVariableException e) {
                    unresolved.accept(tag, e.variable());
                    replacement = Optional.empty();
                }
            } else {
                replacement = tag.isExpression() ? evaluate(tag, scope, policy) : simple(tag, scope, policy);
                if (replacement.isEmpty()) {
                    unresolved.accept(tag, tag.expression());
                }
            }
            String inserted = replacement.map(insert).orElse(text.substring(tag.start(), tag.end()));
            if ((long) result.length() + inserted.length() > Limits.MAX_TEXT) {
                throw new ExpressionException("the text would grow beyond " + Limits.MAX_TEXT
                        + " characters when '" + abbreviate(text.substring(tag.start(), tag.end()))
                        + "' is substituted", tag.start());
            }
            result.append(inserted);
            copied = tag.end();
        }
        if ((long) result.length() + text.length() - copied > Limits.MAX_TEXT) {
            throw new ExpressionException("the substituted text would be longer than " + Limits.MAX_TEXT
                    + " characters", copied);
        }
        result.append(text, copied, text.length());
        return result.toString();
    }

    /** A text short enough to quote in a message. */
    static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    }

    private static Optional<String> simple(Tag tag, VariableScope scope, UnresolvedPolicy policy) {
        Optional<String> value = scope.lookup(tag.expression());
        if (value.isEmpty() && policy == UnresolvedPolicy.FAIL) {
            throw new UnresolvedVariableException(tag.expression(), tag.start());
        }
        return value;
    }

    private static Optional<String> evaluate(Tag tag, VariableScope scope, UnresolvedPolicy policy) {
        try {
            Expression expression = Expression.parse(tag.expression(), Dialect.EXPR);
            if (policy == UnresolvedPolicy.KEEP) {
                return expression.evaluateIfResolved(scope).map(ValueText::of);
            }
            Object value = expression.evaluate(scope);
            if (value == null) {
                throw new ExpressionException("expression evaluated to nil", 0);
            }
            return Optional.of(ValueText.of(value));
        } catch (ExpressionException e) {
            throw e.shiftedBy(tag.expressionStart());
        }
    }
}
