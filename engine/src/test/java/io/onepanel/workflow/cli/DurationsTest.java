package io.onepanel.workflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How long things took, as progress lines and the summary show it (built without String.format). */
class DurationsTest {

    @Test
    void underAMinuteInTenthsOfASecondRounded() {
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0.0s");
        assertThat(Durations.format(Duration.ofMillis(449))).isEqualTo("0.4s");
        assertThat(Durations.format(Duration.ofMillis(450))).isEqualTo("0.5s");
        assertThat(Durations.format(Duration.ofMillis(12_340))).isEqualTo("12.3s");
        assertThat(Durations.format(Duration.ofMillis(59_949))).isEqualTo("59.9s");
        assertThat(Durations.format(Duration.ofMillis(59_950))).isEqualTo("60.0s");
    }

    @Test
    void minutesAndHoursWithTwoDigitsBelowThem() {
        assertThat(Durations.format(Duration.ofSeconds(60))).isEqualTo("1m00s");
        assertThat(Durations.format(Duration.ofSeconds(65))).isEqualTo("1m05s");
        assertThat(Durations.format(Duration.ofSeconds(3599))).isEqualTo("59m59s");
        assertThat(Durations.format(Duration.ofSeconds(2 * 3600 + 3 * 60 + 7))).isEqualTo("2h03m07s");
    }

    @Test
    void paddingKeepsLongerTextWhole() {
        assertThat(Durations.padLeft("1.2s", 7)).isEqualTo("   1.2s");
        assertThat(Durations.padRight("A", 3)).isEqualTo("A  ");
        assertThat(Durations.padRight("a-long-name", 3)).isEqualTo("a-long-name");
    }
}
