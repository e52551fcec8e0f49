package io.onepanel.workflow.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.pod.PodContract;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kubernetes' $(VAR) expansion of command, args and env values, as the test bed's kubelet applies it. */
class VariableExpansionTest {

    private static final Map<String, String> ENV = Map.of("NAME", "world", "EMPTY", "");

    @Test
    void aDefinedVariableIsExpandedAnUndefinedOneStaysAsWritten() {
        assertThat(VariableExpansion.expand("hello $(NAME), $(NOPE) and $(EMPTY).", ENV))
                .isEqualTo("hello world, $(NOPE) and .");
    }

    @Test
    void twoDollarsAreOneAndEveryOtherDollarStays() {
        assertThat(VariableExpansion.expand("$$(NAME) costs $$5, $5, ${NAME}, $(unclosed, $", ENV))
                .isEqualTo("$(NAME) costs $5, $5, ${NAME}, $(unclosed, $");
    }

    @Test
    void theMainContainersGateReachesItsShellUnchanged() {
        Map<String, String> mainEnv = Map.of(PodContract.ENV_COPY_IN, "/tmp/in", PodContract.ENV_COPY_OUT, "/tmp/out",
                PodContract.ENV_SCRIPT, "echo hi", PodContract.ENV_HOLD, "1", PodContract.ENV_DIR, "/x");
        assertThat(VariableExpansion.expand(PodContract.GATE_SCRIPT, mainEnv)).isEqualTo(PodContract.GATE_SCRIPT);
    }
}
