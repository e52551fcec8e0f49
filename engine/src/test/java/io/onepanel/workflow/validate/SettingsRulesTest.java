package io.onepanel.workflow.validate;

import static io.onepanel.workflow.validate.Validation.findings;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
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

    private static final String FED_BY_PARAMETERS = """
            entrypoint: main
            arguments:
              parameters: [{name: n, value: "3"}, {name: wait, value: 10s}]
            templates:
            - name: main
              dag: {tasks: [{name: a, template: flaky}]}
            - name: flaky
              activeDeadlineSeconds: "{{workflow.parameters.wait}}"
              retryStrategy:
                limit: "{{workflow.parameters.n}}"
                backoff: {duration: "{{workflow.parameters.wait}}"}
              container: {image: alpine, command: [sh, -c, "exit 1"]}
            """;

    @Test
    void numbersFedByWorkflowParametersAreCheckedWhenTheRunStartsAtTheirFields() {
        assertThat(Validation.parameterFindings(FED_BY_PARAMETERS, Map.of())).isEmpty();
        assertThat(Validation.parameterFindings(FED_BY_PARAMETERS, Map.of("n", "2147483648"))).containsExactly(
                "10:12: error: retryStrategy.limit of template 'flaky' is 2147483648 (from workflow parameter"
                        + " 'n' = '2147483648'); at most 2147483647");
        assertThat(Validation.parameterFindings(FED_BY_PARAMETERS, Map.of("n", "abc"))).containsExactly(
                "10:12: error: retryStrategy.limit of template 'flaky' must be a whole number, not 'abc' (from"
                        + " workflow parameter 'n' = 'abc')");
        assertThat(Validation.parameterFindings(FED_BY_PARAMETERS, Map.of("n", "-5"))).singleElement()
                .asString().startsWith("10:12: error: retryStrategy.limit of template 'flaky' must be a whole"
                        + " number, not '-5'");
        assertThat(Validation.parameterFindings(FED_BY_PARAMETERS, Map.of("wait", "soon"))).containsExactly(
                "8:26: error: activeDeadlineSeconds of template 'flaky': 'soon' is not a duration; expected a number"
                        + " of seconds or text such as 30s, 5m, 1h30m (from workflow parameter 'wait' = 'soon')",
                "11:25: error: retryStrategy.backoff.duration of template 'flaky': 'soon' is not a duration;"
                        + " expected a number of seconds or text such as 30s, 5m, 1h30m (from workflow parameter"
                        + " 'wait' = 'soon')");
    }

    @Test
    void aNulCharacterInAParameterOrACommandIsAnErrorAtItsPlace() {
        assertThat(Validation.parameterFindings(FED_BY_PARAMETERS, Map.of("n", "1\u00002"))).containsExactly(
                "3:16: error: workflow parameter 'n' holds a NUL character (\\0) at offset 1; a command, its"
                        + " arguments and its environment cannot carry one");
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag: {tasks: [{name: a, template: a}]}
                - name: a
                  container: {image: alpine, command: [echo, "a\\0b"]}
                """)).singleElement().asString().endsWith("holds a NUL character (\\0); a command, its arguments"
                + " and its environment cannot carry one");
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
