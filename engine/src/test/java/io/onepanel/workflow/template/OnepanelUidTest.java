package io.onepanel.workflow.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The Kubernetes name of an Onepanel template, derived from its display name as Onepanel does. */
class OnepanelUidTest {

    @Test
    void everyRunOfOtherCharactersBecomesOneDashAndAllIsLowerCase() {
        assertThat(OnepanelUid.of("PyTorch Training")).isEqualTo("pytorch-training");
        assertThat(OnepanelUid.of("TF Object Detection  (v2.1)")).isEqualTo("tf-object-detection-v2-1");
        assertThat(OnepanelUid.of("MaskRCNN_Training")).isEqualTo("maskrcnn-training");
    }

    @Test
    void dashesAtEitherEndAreDroppedSoTheNameIsValid() {
        assertThat(OnepanelUid.of("(Beta) Train!")).isEqualTo("beta-train");
    }

    @Test
    void lettersOutsideAsciiAreNotKept() {
        assertThat(OnepanelUid.of("Modèle Été")).isEqualTo("mod-le-t");
    }

    @Test
    void thirtyCharactersAreAllowedThirtyOneAreNot() {
        assertThat(OnepanelUid.of("a".repeat(30))).hasSize(30);
        assertThatThrownBy(() -> OnepanelUid.of("a".repeat(31))).hasMessageContaining("at most 30");
    }

    @Test
    void aNameWithNothingToKeepIsRefused() {
        assertThatThrownBy(() -> OnepanelUid.of("¡¿ !?")).hasMessage(
                "has no ASCII letter or digit to make a Kubernetes name from");
    }
}
