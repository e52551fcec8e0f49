package io.onepanel.workflow.runtime.kubernetes;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Repeats an API call that failed for a reason that passes (no answer in time, a lost connection,
 * HTTP 408, 429 or 5xx: an API server under load) after growing pauses; any other failure, and the
 * failure after the last pause, is final. For calls whose failure would leave something behind,
 * such as a pod's deletion: fabric8's own retries ({@code requestRetryBackoffLimit}) are few and
 * fast, and may be off.
 */
final class TransientRetry {

    /** About a minute and a half in all: longer than a typical API server hiccup or leader election. */
    static final List<Duration> PAUSES = List.of(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(15), Duration.ofSeconds(30),
            Duration.ofSeconds(30));

    private final BiConsumer<Runnable, Duration> schedule;
    private final List<Duration> pauses;

    /** @param schedule runs a task after a pause */
    TransientRetry(BiConsumer<Runnable, Duration> schedule, List<Duration> pauses) {
        this.schedule = schedule;
        this.pauses = List.copyOf(pauses);
    }

    /** Completes as the first call that succeeds, or as the final failure. */
    <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        attempt(call, 0, result);
        return result;
    }

    private <T> void attempt(Supplier<CompletableFuture<T>> call, int failures, CompletableFuture<T> result) {
        call.get().whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
            } else if (failures < pauses.size() && ApiErrors.isTransient(error)) {
                try {
                    schedule.accept(() -> attempt(call, failures + 1, result), pauses.get(failures));
                } catch (RuntimeException closed) {
                    result.completeExceptionally(error); // the runtime is shutting down: no later try
                }
            } else {
                result.completeExceptionally(error);
            }
        });
    }
}
