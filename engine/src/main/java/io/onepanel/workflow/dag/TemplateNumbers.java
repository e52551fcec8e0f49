package io.onepanel.workflow.dag;

import io.onepanel.workflow.template.RetryStrategy;
import io.onepanel.workflow.template.Template;
import java.math.BigInteger;

/**
 * The numbers and durations of a template's fields whose text comes from tags, checked when a task
 * is about to run and its inputs are known ({@code validate} checks the literal ones and those
 * that come from workflow parameters). A value that is not a number in the field's range ends the
 * task as an Error naming the field, the value, where it came from and what is allowed, rather
 * than meaning something else (no retries, no deadline) or failing later with a parser's words.
 */
final class TemplateNumbers {

    private static final String DURATION = "a number of seconds (at most " + Long.MAX_VALUE + ") or a duration "
            + "such as 30s, 5m, 1h30m";

    private TemplateNumbers() {}

    /**
     * @param written the template as written, tags and all
     * @param resolved the same template once its tags were replaced for this attempt
     * @throws IllegalArgumentException for the first field whose value is not allowed
     */
    static void check(Template written, Template resolved) {
        String name = written.name();
        duration(name, "activeDeadlineSeconds", written.activeDeadlineSeconds(), resolved.activeDeadlineSeconds());
        duration(name, "timeout", written.timeout(), resolved.timeout());
        RetryStrategy w = written.retryStrategy();
        RetryStrategy r = resolved.retryStrategy();
        if (w == null || r == null) {
            return;
        }
        if (templated(w.limit()) && !isRetryLimit(r.limit())) {
            throw wrong(name, "retryStrategy.limit", r.limit(), w.limit(), "a whole number from 0 to "
                    + Integer.MAX_VALUE);
        }
        if (w.backoff() == null || r.backoff() == null) {
            return;
        }
        duration(name, "retryStrategy.backoff.duration", w.backoff().duration(), r.backoff().duration());
        duration(name, "retryStrategy.backoff.maxDuration", w.backoff().maxDuration(), r.backoff().maxDuration());
        if (templated(w.backoff().factor()) && !r.backoff().factor().trim().matches("\\d{1,9}(\\.\\d{1,9})?")) {
            throw wrong(name, "retryStrategy.backoff.factor", r.backoff().factor(), w.backoff().factor(),
                    "a number such as 2 or 1.5");
        }
    }

    /** A retry limit as Argo takes it: a 32-bit whole number, not negative. */
    static boolean isRetryLimit(String text) {
        String t = text == null ? "" : text.trim();
        return t.matches("\\d+") && new BigInteger(t).bitLength() <= 31;
    }

    /** @throws IllegalArgumentException when {@code written} has tags and {@code value} is not a duration */
    static void duration(String template, String field, String written, String value) {
        if (!templated(written)) {
            return;
        }
        try {
            Durations.parse(value);
        } catch (IllegalArgumentException e) { // NumberFormatException too: more seconds than a long holds
            throw wrong(template, field, value, written, DURATION);
        }
    }

    private static boolean templated(String written) {
        return written != null && written.contains("{{");
    }

    private static IllegalArgumentException wrong(String template, String field, String value, String written,
            String expected) {
        return new IllegalArgumentException(field + " of template '" + template + "' is '"
                + Substitution.abbreviate(value) + "' (from " + Substitution.abbreviate(written) + "); expected "
                + expected);
    }
}
