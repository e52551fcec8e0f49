package io.onepanel.workflow.validate;

import static io.onepanel.workflow.validate.Validation.findings;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Numbers a run depends on are checked before anything runs, at the value. */
class SettingsRulesTest {

    private static String withRetryLimit(String limit) {
        return """
                entrypoint: main
                templates:
                - name: main
                  dag: {tasks: [{name: a, template: flaky}]}
                - name: flaky
                  retryStrategy:
                    limit: %s
                  container: {image: alpine, command: [sh, -c, "exit 1"]}
                """.formatted(limit);
    }

    @Test
    void aRetryLimitBeyondThirtyTwoBitsIsAnErrorInsteadOfMeaningNoRetries() {
        assertThat(findings(withRetryLimit("2147483648"))).containsExactly(
                "7:12: error: retryStrategy.limit of template 'flaky' is 2147483648; at most 2147483647");
        assertThat(findings(withRetryLimit("99999999999999999999999"))).containsExactly(
                "7:12: error: retryStrategy.limit of template 'flaky' is 99999999999999999999999; at most 2147483647");
    }

    @Test
    void theLargestThirtyTwoBitLimitIsAccepted() {
        assertThat(findings(withRetryLimit("2147483647"))).isEmpty();
        assertThat(findings(withRetryLimit("\"{{workflow.parameters.n}}\""))).isNotEmpty() // n is not declared
                .noneMatch(f -> f.contains("at most"));
    }

    @Test
    void aRunNameIsAKubernetesNameOfAtMostSixtyThreeCharacters() {
        assertThat(WorkflowValidator.runNameProblem("nightly-1.2")).isNull();
        assertThat(WorkflowValidator.runNameProblem("../etc")).isEqualTo("the run's name '../etc' must be lower-case"
                + " letters, digits, '-' and '.', starting and ending with a letter or digit (RFC 1123)");
        assertThat(WorkflowValidator.runNameProblem("UPPER case!")).contains("must be lower-case letters");
        assertThat(WorkflowValidator.runNameProblem("a".repeat(64))).endsWith("is 64 characters long; a workflow's"
                + " name has at most 63 (it is also a label value on every pod of the run)");
        assertThat(WorkflowValidator.runNameProblem("")).isEqualTo("the run's name '' is empty");
    }
}
