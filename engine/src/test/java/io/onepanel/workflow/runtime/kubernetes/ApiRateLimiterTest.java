package io.onepanel.workflow.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token bucket, on a clock the test moves: burst at once, then qps a second. */
class ApiRateLimiterTest {

    @Test
    void aBurstGoesAtOnceThenCallsAreSpacedByOneOverQps() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        ApiRateLimiter limiter = new ApiRateLimiter(20, 30, null, Runnable::run, now::get);
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            delays.add(limiter.reserve());
        }
        assertThat(delays.subList(0, 30)).containsOnly(0L);
        assertThat(delays.get(30)).isEqualTo(50_000_000L);
        assertThat(delays.get(31)).isEqualTo(100_000_000L);

        now.addAndGet(10_000_000_000L); // ten quiet seconds refill the bucket, but never beyond the burst
        for (int i = 0; i < 30; i++) {
            assertThat(limiter.reserve()).isZero();
        }
        assertThat(limiter.reserve()).isEqualTo(50_000_000L);
    }
}
