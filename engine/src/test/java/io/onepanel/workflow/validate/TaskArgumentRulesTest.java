package io.onepanel.workflow.validate;

import static io.onepanel.workflow.validate.Validation.findings;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A task passes every input parameter its template needs (one without a value or a default) before
 * anything runs, as Argo would fail the task when it starts; and one problem gets one diagnostic.
 */
class TaskArgumentRulesTest {

    private static final String GREET = """
            - name: greet
              inputs:
                parameters:
                - name: who
                - name: greeting
                  default: hello
              container: {image: alpine, command: [echo, "{{inputs.parameters.greeting}} {{inputs.parameters.who}}"]}
            """;

    @Test
    void aTaskWithoutArgumentsIsReportedAtItsName() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: hi
                      template: greet
                """ + GREET)).containsExactly("6:13: error: task 'hi' does not pass input parameter 'who' of template"
                + " 'greet', which has no value and no default; add {name: who, value: ...} to the task's"
                + " arguments.parameters");
    }

    @Test
    void aTaskWhoseArgumentsLackItIsReportedAtItsArguments() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: hi
                      template: greet
                      arguments:
                        parameters: [{name: greeting, value: hey}]
                """ + GREET)).containsExactly("9:9: error: task 'hi' does not pass input parameter 'who' of template"
                + " 'greet', which has no value and no default; add {name: who, value: ...} to the task's"
                + " arguments.parameters");
    }

    @Test
    void passingItOrGivingADefaultIsEnough() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: hi
                      template: greet
                      arguments:
                        parameters: [{name: who, value: world}]
                """ + GREET)).isEmpty();
    }

    @Test
    void theResultOfAnHttpTaskGetsNoSecondDiagnosticBesideTheUnsupportedType() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: fetch
                      template: fetch
                    - name: show
                      depends: fetch
                      template: show
                      arguments: {parameters: [{name: body, value: "{{tasks.fetch.outputs.result}}"}]}
                - name: fetch
                  http: {url: "https://example.com"}
                - name: show
                  inputs: {parameters: [{name: body}]}
                  container: {image: alpine, command: [echo, "{{inputs.parameters.body}}"]}
                """)).containsExactly("13:9: error: template 'fetch' is a http template, which onepanel-workflow does"
                + " not support; supported: dag, container, script, suspend (and steps below a DAG)");
    }

    @Test
    void aDagHasNoResultStill() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: inner
                      template: inner
                    - name: show
                      depends: inner
                      template: echo
                      arguments: {parameters: [{name: body, value: "{{tasks.inner.outputs.result}}"}]}
                - name: inner
                  dag: {tasks: [{name: x, template: echo, arguments: {parameters: [{name: body, value: x}]}}]}
                - name: echo
                  inputs: {parameters: [{name: body}]}
                  container: {image: alpine, command: [echo, "{{inputs.parameters.body}}"]}
                """)).singleElement().asString().contains("its template 'inner' is a dag template, which has no"
                + " result");
    }

    @Test
    void anInvalidGeneratedNameIsReportedAtTheGenerateName() {
        assertThat(findings("""
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  generateName: Nightly_Run-
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    dag: {tasks: [{name: a, template: echo}]}
                  - name: echo
                    container: {image: alpine}
                """)).containsExactly("4:17: error: workflow name 'Nightly_Run' must be lower-case letters, digits,"
                + " '-' and '.', starting and ending with a letter or digit (RFC 1123)");
    }
}
