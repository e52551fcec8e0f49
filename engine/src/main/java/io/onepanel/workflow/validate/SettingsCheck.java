package io.onepanel.workflow.validate;

import io.onepanel.workflow.dag.Durations;
import io.onepanel.workflow.diagnostics.Diagnostics;
import io.onepanel.workflow.template.RetryStrategy;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.Workflow;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/** Numbers and durations that must parse: retries, backoff, deadlines, timeouts, suspend, parallelism. */
final class SettingsCheck {

    private static final Set<String> RETRY_POLICIES = Set.of("Always", "OnFailure", "OnError", "OnTransientError");

    private final Diagnostics out;

    SettingsCheck(Diagnostics out) {
        this.out = out;
    }

    void check(Workflow workflow, Collection<Template> templates) {
        if (workflow.parallelism() != null && workflow.parallelism() < 0) {
            out.error(workflow.positions().of("parallelism"), "invalid-number", "parallelism must be 0 or more");
        }
        for (Template t : templates) {
            String where = "template '" + t.name() + "'";
            if (t.parallelism() != null && t.parallelism() < 0) {
                out.error(t.positions().of("parallelism"), "invalid-number", "parallelism of " + where
                        + " must be 0 or more");
            }
            if (t.suspend() != null && t.suspend().duration() == null) {
                out.error(t.positions().of("suspend"), "suspend-forever", where + " suspends until resumed, which"
                        + " this engine cannot do; give it a duration");
            }
            RetryStrategy r = t.retryStrategy();
            if (r != null && r.retryPolicy() != null && !RETRY_POLICIES.contains(r.retryPolicy())) {
                out.error(at(t, "retryStrategy.retryPolicy"), "invalid-retry-policy", "retryPolicy of " + where
                        + " is '" + r.retryPolicy() + "'; expected one of Always, OnFailure, OnError,"
                        + " OnTransientError");
            }
            numbers(t, text -> text == null || text.contains("{{") ? null : new Value(text, ""));
        }
    }

    /**
     * The same numbers and durations once the run's workflow parameters are known: a field that is
     * exactly {@code {{workflow.parameters.n}}} (or holds only such tags) is checked with the
     * values, at the field's position, naming the parameter. {@code n} = 2^31, {@code abc} or
     * {@code -5} as a retry limit is an error here, not a silent "no retries" later.
     */
    void checkWith(Collection<Template> templates, Map<String, String> values) {
        for (Template t : templates) {
            numbers(t, text -> substituted(text, values));
        }
    }

    /** A field's text as it will be, and " (from ...)" when parameters made it so. */
    private record Value(String text, String from) {}

    private void numbers(Template t, java.util.function.Function<String, Value> value) {
        String where = "template '" + t.name() + "'";
        duration(t, value.apply(t.activeDeadlineSeconds()), "activeDeadlineSeconds", where);
        duration(t, value.apply(t.timeout()), "timeout", where);
        if (t.suspend() != null) {
            duration(t, value.apply(t.suspend().duration()), "suspend", where);
        }
        RetryStrategy r = t.retryStrategy();
        if (r == null) {
            return;
        }
        Value limit = value.apply(r.limit());
        if (limit != null && !limit.text().trim().matches("\\d+")) {
            out.error(at(t, "retryStrategy.limit"), "invalid-number", "retryStrategy.limit of " + where
                    + " must be a whole number, not '" + limit.text() + "'" + limit.from());
        } else if (limit != null && new java.math.BigInteger(limit.text().trim()).bitLength() > 31) {
            // Argo's limit is a 32-bit integer; a larger one would silently mean no retries.
            out.error(at(t, "retryStrategy.limit"), "invalid-number", "retryStrategy.limit of " + where
                    + " is " + limit.text().trim() + limit.from() + "; at most " + Integer.MAX_VALUE);
        }
        if (r.backoff() != null) {
            duration(t, value.apply(r.backoff().duration()), "retryStrategy.backoff.duration", where);
            duration(t, value.apply(r.backoff().maxDuration()), "retryStrategy.backoff.maxDuration", where);
            Value f = value.apply(r.backoff().factor());
            if (f != null && !f.text().trim().matches("\\d+(\\.\\d+)?")) {
                out.error(at(t, "retryStrategy.backoff.factor"), "invalid-number", "backoff.factor of " + where
                        + " must be a number, not '" + f.text() + "'" + f.from());
            }
        }
    }

    private void duration(Template t, Value value, String field, String where) {
        if (value == null) {
            return;
        }
        try {
            Durations.parse(value.text());
        } catch (IllegalArgumentException e) {
            out.error(at(t, field), "invalid-duration", field + " of " + where + ": " + e.getMessage() + value.from());
        }
    }

    private static final java.util.regex.Pattern WORKFLOW_PARAMETER =
            java.util.regex.Pattern.compile("\\{\\{\\s*workflow\\.parameters\\.([^\\s{}]+)\\s*}}");

    /**
     * {@code text} with its {@code {{workflow.parameters.x}}} tags replaced, once, by the values;
     * null when it has none, or when other tags (known only as tasks run) remain.
     */
    private static Value substituted(String text, Map<String, String> values) {
        if (text == null || !text.contains("{{")) {
            return null;
        }
        java.util.regex.Matcher m = WORKFLOW_PARAMETER.matcher(text);
        StringBuilder out = new StringBuilder();
        java.util.List<String> used = new java.util.ArrayList<>();
        int last = 0;
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null || value.indexOf('\0') >= 0) {
                return null; // unknown, without a value, or not text: reported by the parameter checks
            }
            out.append(text, last, m.start()).append(value);
            used.add("'" + m.group(1) + "' = '" + value + "'");
            last = m.end();
        }
        out.append(text, last, text.length());
        if (used.isEmpty() || WORKFLOW_PARAMETER.matcher(text).replaceAll("").contains("{{")) {
            return null;
        }
        return new Value(out.toString(), " (from workflow parameter " + String.join(", ", used) + ")");
    }

    /** The value at {@code path} when the loader recorded it, else its enclosing top-level field. */
    private static io.onepanel.workflow.diagnostics.SourcePosition at(Template t, String path) {
        if (t.positions().has(path)) {
            return t.positions().of(path);
        }
        int dot = path.indexOf('.');
        return t.positions().of(dot < 0 ? path : path.substring(0, dot));
    }
}
