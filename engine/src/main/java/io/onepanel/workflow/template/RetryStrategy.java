package io.onepanel.workflow.template;

/**
 * Argo's retryStrategy. {@code limit} is text because it may be a {@code {{...}}} expression;
 * a null limit with a strategy present means "retry forever" in Argo, which we cap.
 *
 * @param retryPolicy Always, OnFailure (Argo's default), OnError or OnTransientError
 */
public record RetryStrategy(String limit, String retryPolicy, Backoff backoff, String expression) {

    /** @param duration first wait ("10s", "1m", or seconds); factor multiplies it each retry */
    public record Backoff(String duration, String factor, String maxDuration) {}

    public String policyOrDefault() {
        return retryPolicy == null || retryPolicy.isEmpty() ? "OnFailure" : retryPolicy;
    }
}
