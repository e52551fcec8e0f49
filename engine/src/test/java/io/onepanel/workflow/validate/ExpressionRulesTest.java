package io.onepanel.workflow.validate;

import static io.onepanel.workflow.validate.Validation.findings;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Malformed {@code depends}, {@code when} and {@code {{=...}}} are reported at the column of the problem. */
class ExpressionRulesTest {

    private static final String ECHO = """
            - name: echo
              container: {image: alpine}
            """;

    @Test
    void aMalformedDependsPointsAtTheProblem() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: echo}
                    - {name: b, template: echo}
                    - name: c
                      template: echo
                      depends: "(a.Succeeded || b"
                """ + ECHO)).containsExactly("10:34: error: depends of task 'c': expected ')' to close '(' at offset 0, found the end of the expression");
    }

    @Test
    void anUnknownResultInDependsPointsAtIt() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: echo}
                    - name: c
                      template: echo
                      depends: a.Suceeded
                """ + ECHO)).containsExactly("9:18: error: depends of task 'c': unknown task result 'Suceeded' for task 'a' (valid results: Succeeded, Failed,"
                + " Errored, Skipped, Omitted, Daemoned, AnySucceeded, AllFailed)");
    }

    @Test
    void aMalformedWhenPointsAtTheProblem() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: echo}
                    - name: c
                      template: echo
                      depends: a
                      when: "{{tasks.a.outputs.result}} == == 1"
                """ + ECHO)).containsExactly("10:44: error: when of task 'c': expected a value, found '=='");
    }

    @Test
    void aMalformedExpressionTagPointsAtTheTag() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: a
                      template: echo
                      arguments:
                        parameters: [{name: n, value: "{{=1 + }}"}]
                - name: echo
                  inputs:
                    parameters: [{name: n}]
                  container: {image: alpine}
                """)).containsExactly("9:47: error: argument 'n' of task 'a': expression '1 + ': expected a value, found end of expression");
    }

    @Test
    void anExpressionInABlockScalarPointsAtItsLineAndColumn() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: show}
                - name: show
                  script:
                    image: alpine
                    command: [sh]
                    source: |
                      echo start
                        echo {{=asInt(workflow.name) +* 2}}
                """)).containsExactly("13:39: error: the script source of template 'show': expression 'asInt(workflow.name) +* 2': expected a"
                + " value, found '*'");
    }
}
