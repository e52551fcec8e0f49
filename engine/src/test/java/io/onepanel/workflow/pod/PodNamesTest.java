package io.onepanel.workflow.pod;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PodNamesTest {

    @Test
    void podNamesAreDeterministicValidAndDifferPerAttempt() {
        String a = PodNames.podName("dag-diamond-x7k2p", "B", 0);
        assertThat(a).isEqualTo(PodNames.podName("dag-diamond-x7k2p", "B", 0)).startsWith("dag-diamond-x7k2p-b-");
        assertThat(PodNames.podName("dag-diamond-x7k2p", "B", 1)).isNotEqualTo(a);
        assertThat(PodNames.isDnsLabel(a)).isTrue();
    }

    @Test
    void longAndOddNamesAreCutToSixtyThreeWithAHash() {
        String name = PodNames.podName("a-very-long-workflow-name-generated-by-onepanel-abcde",
                "fan-out(2:{\"x\": \"Ünïcode\"})-and-then-some-more-text", 3);
        assertThat(name).hasSizeLessThanOrEqualTo(63);
        assertThat(PodNames.isDnsLabel(name)).as(name).isTrue();
        assertThat(PodNames.podName("x", "fan-out(1)", 0)).isNotEqualTo(PodNames.podName("x", "fan-out[1]", 0));
    }

    @Test
    void labelValuesAreKeptWhenValidAndSanitizedOtherwise() {
        assertThat(PodNames.labelValue("train-model")).isEqualTo("train-model");
        String odd = PodNames.labelValue("fan-out(2:x)");
        assertThat(PodNames.isLabelValue(odd)).isTrue();
        assertThat(odd).startsWith("fan-out-2-x-");
        String longOne = PodNames.labelValue("t".repeat(100));
        assertThat(longOne).hasSize(63);
        assertThat(PodNames.isLabelValue(longOne)).isTrue();
        assertThat(PodNames.isLabelValue(PodNames.labelValue("((()))"))).isTrue();
    }

    @Test
    void claimNamesFollowArgo() {
        assertThat(PodNames.claimName("pytorch-mnist-4wq", "data")).isEqualTo("pytorch-mnist-4wq-data");
        assertThat(PodNames.claimName("W".repeat(70), "data")).hasSizeLessThanOrEqualTo(63);
    }
}
