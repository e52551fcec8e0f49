package io.onepanel.workflow.validate;

import io.onepanel.workflow.dag.Durations;
import io.onepanel.workflow.diagnostics.Diagnostics;
import io.onepanel.workflow.template.RetryStrategy;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.Workflow;
import java.util.Collection;
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
            duration(t, t.activeDeadlineSeconds(), "activeDeadlineSeconds", where);
            duration(t, t.timeout(), "timeout", where);
            if (t.suspend() != null) {
                duration(t, t.suspend().duration(), "suspend", where);
                if (t.suspend().duration() == null) {
                    out.error(t.positions().of("suspend"), "suspend-forever", where + " suspends until resumed, which"
                            + " this engine cannot do; give it a duration");
                }
            }
            RetryStrategy r = t.retryStrategy();
            if (r != null) {
                if (r.limit() != null && !r.limit().contains("{{") && !r.limit().trim().matches("\\d+")) {
                    out.error(at(t, "retryStrategy.limit"), "invalid-number", "retryStrategy.limit of " + where
                            + " must be a whole number, not '" + r.limit() + "'");
                } else if (r.limit() != null && !r.limit().contains("{{")
                        && new java.math.BigInteger(r.limit().trim()).bitLength() > 31) {
                    // Argo's limit is a 32-bit integer; a larger one would silently mean no retries.
                    out.error(at(t, "retryStrategy.limit"), "invalid-number", "retryStrategy.limit of " + where
                            + " is " + r.limit().trim() + "; at most " + Integer.MAX_VALUE);
                }
                if (r.retryPolicy() != null && !RETRY_POLICIES.contains(r.retryPolicy())) {
                    out.error(at(t, "retryStrategy.retryPolicy"), "invalid-retry-policy", "retryPolicy of " + where
                            + " is '" + r.retryPolicy() + "'; expected one of Always, OnFailure, OnError,"
                            + " OnTransientError");
                }
                if (r.backoff() != null) {
                    duration(t, r.backoff().duration(), "retryStrategy.backoff.duration", where);
                    duration(t, r.backoff().maxDuration(), "retryStrategy.backoff.maxDuration", where);
                    String f = r.backoff().factor();
                    if (f != null && !f.contains("{{") && !f.trim().matches("\\d+(\\.\\d+)?")) {
                        out.error(at(t, "retryStrategy.backoff.factor"), "invalid-number", "backoff.factor of " + where
                                + " must be a number, not '" + f + "'");
                    }
                }
            }
        }
    }

    private void duration(Template t, String text, String field, String where) {
        if (text == null || text.contains("{{")) {
            return;
        }
        try {
            Durations.parse(text);
        } catch (IllegalArgumentException e) {
            out.error(at(t, field), "invalid-duration", field + " of " + where + ": " + e.getMessage());
        }
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
