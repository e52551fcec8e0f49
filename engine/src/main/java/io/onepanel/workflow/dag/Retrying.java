package io.onepanel.workflow.dag;

import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.template.RetryStrategy;
import io.onepanel.workflow.template.Template;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A template's {@code retryStrategy}, substituted once, deciding after each failed attempt whether
 * and when the next one starts (Argo: limit, retryPolicy, expression, backoff). Used for pods and
 * for DAGs alike.
 */
final class Retrying {

    /** Argo retries forever when a strategy has no limit; we stop somewhere sane. */
    static final int UNLIMITED_RETRIES = 1000;

    private final RetryStrategy strategy;
    private final Vars vars;
    private final WorkflowExecution run;

    private Retrying(RetryStrategy strategy, Vars vars, WorkflowExecution run) {
        this.strategy = strategy;
        this.vars = vars;
        this.run = run;
    }

    /** Null when the template has no retryStrategy. */
    static Retrying of(Template template, Vars vars, WorkflowExecution run) {
        if (template.retryStrategy() == null) {
            return null;
        }
        RetryStrategy substituted;
        try {
            substituted = new TemplateSubstitution(Substitution.of(vars, "the retryStrategy of template '"
                    + template.name() + "'")::text).retry(template.retryStrategy());
        } catch (IllegalArgumentException e) {
            substituted = template.retryStrategy();
        }
        return new Retrying(substituted, vars, run);
    }

    /**
     * When the attempt after {@code attempt} of {@code retries} starts, or null when none does: as the
     * run's history recorded it for a resumed or reused task (the decision was made then), else as
     * the strategy says now, recorded and told.
     *
     * @param what what retries, for the message ("", "the DAG ")
     */
    Instant nextDue(Node retries, Node last, int attempt, Instant firstStart, String what) {
        Instant recorded = run.history.retryDue(run.path(retries.id), attempt + 1);
        if (recorded != null) {
            return recorded;
        }
        Duration wait = after(last, attempt, firstStart);
        if (wait == null) {
            return null;
        }
        Instant due = run.now().plus(wait);
        run.record(events -> events.retryScheduled(retries.id, attempt + 1, due));
        run.listener.status(last.snapshot(), "retrying " + what + "in " + wait.toMillis() + " ms (attempt "
                + (attempt + 2) + ")");
        return due;
    }

    /** How long to wait before the attempt after {@code attempt}, or null when there is none. */
    Duration after(Node node, int attempt, Instant firstStart) {
        int limit;
        try {
            limit = limit();
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (attempt >= limit) {
            return null;
        }
        boolean retry = switch (strategy.policyOrDefault()) {
            case "Always" -> true;
            case "OnError" -> node.phase == NodePhase.ERROR;
            case "OnTransientError" -> node.phase == NodePhase.ERROR && isTransient(node.message);
            default -> node.phase == NodePhase.FAILED;
        };
        if (!retry) {
            return null;
        }
        if (strategy.expression() != null && !strategy.expression().isBlank()) {
            Map<String, String> last = new LinkedHashMap<>();
            last.put("lastRetry.exitCode", node.exitCode == null ? "-1" : Integer.toString(node.exitCode));
            last.put("lastRetry.status", node.phase.argoName());
            Instant started = node.startedAt == null ? firstStart : node.startedAt;
            Instant finished = node.finishedAt == null ? run.now() : node.finishedAt;
            last.put("lastRetry.duration", Long.toString(Duration.between(started, finished).toSeconds()));
            last.put("lastRetry.message", node.message == null ? "" : node.message);
            try {
                if (!Boolean.TRUE.equals(Expressions.evaluate(strategy.expression(), vars.with(last)))) {
                    return null;
                }
            } catch (RuntimeException e) {
                return null;
            }
        }
        return backoff(attempt, firstStart);
    }

    private Duration backoff(int attempt, Instant firstStart) {
        RetryStrategy.Backoff b = strategy.backoff();
        if (b == null || b.duration() == null) {
            return Duration.ZERO;
        }
        Duration base = Durations.parse(b.duration());
        double factor = b.factor() == null || b.factor().isBlank() ? 1 : Double.parseDouble(b.factor().trim());
        Duration wait = Duration.ofMillis((long) (base.toMillis() * Math.pow(factor, attempt)));
        if (b.maxDuration() != null && !b.maxDuration().isBlank()) {
            Duration max = Durations.parse(b.maxDuration());
            Duration elapsed = Duration.between(firstStart, run.now());
            if (elapsed.plus(wait).compareTo(max) > 0) {
                return null; // Argo: no retry would start within maxDuration
            }
        }
        return wait;
    }

    private int limit() {
        if (strategy.limit() == null || strategy.limit().isBlank()) {
            return UNLIMITED_RETRIES;
        }
        try {
            return Integer.parseInt(strategy.limit().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("retryStrategy.limit must be a whole number, not '" + strategy.limit()
                    + "'");
        }
    }

    private static boolean isTransient(String message) {
        String m = message == null ? "" : message.toLowerCase(java.util.Locale.ROOT);
        return m.contains("timeout") || m.contains("connection") || m.contains("temporar") || m.contains("503")
                || m.contains("unavailable");
    }
}
