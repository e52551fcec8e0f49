package io.onepanel.workflow.template;

import static io.onepanel.workflow.validate.Validation.findings;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Reading the text: YAML that does not parse, values of the wrong shape, fields nobody knows.
 * Each is reported at its line and column, with what was expected.
 */
class LoadingRulesTest {

    @Test
    void invalidYamlIsReportedWhereTheParserStopped() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: a
                      template: [echo
                - name: echo
                """)).containsExactly("8:7: error: invalid YAML: while parsing a flow sequence (started at line 7,"
                + " column 17), expected ',' or ']', but got :");
    }

    @Test
    void aTabIndentationIsReportedAtTheTab() {
        assertThat(findings("entrypoint: main\ntemplates:\n\t- name: main\n")).containsExactly(
                "3:1: error: invalid YAML: while scanning for the next token, found character '\\t(TAB)' that cannot"
                        + " start any token. (Do not use \\t(TAB) for indentation)");
    }

    @Test
    void aDuplicateKeyIsReportedAtTheSecondKey() {
        assertThat(findings("""
                entrypoint: main
                entrypoint: other
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: echo}
                - name: echo
                  container: {image: alpine}
                """)).containsExactly("2:1: error: duplicate key 'entrypoint'; first at line 1, column 1 (the first value is used)");
    }

    @Test
    void aListWhereAMappingBelongs() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                  - name: a
                """)).containsExactly("5:3: error: 'dag' must be a mapping (key: value), not a list");
    }

    @Test
    void aMappingWhereAListBelongs() {
        assertThat(findings("""
                entrypoint: main
                templates:
                  name: main
                """)).contains("3:3: error: 'templates' must be a list (items starting with '- '), not a mapping");
    }

    @Test
    void aWordWhereANumberBelongs() {
        assertThat(findings("""
                entrypoint: main
                parallelism: two
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: echo}
                - name: echo
                  container: {image: alpine}
                """)).containsExactly("2:14: error: 'parallelism' must be a whole number, not 'two'");
    }

    @Test
    void aWordWhereABooleanBelongs() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  failFast: sometimes
                  dag:
                    tasks:
                    - {name: a, template: echo}
                - name: echo
                  container: {image: alpine}
                """)).containsExactly("4:13: error: 'failFast' must be true or false, not 'sometimes'");
    }

    @Test
    void aKubernetesFieldOfTheWrongTypeIsReportedAtTheValue() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: echo}
                - name: echo
                  container:
                    image: alpine
                    command: {run: echo}
                """)).hasSize(1).first().asString().startsWith("10:14: error: the container of template 'echo': ");
    }

    @Test
    void anUnknownTemplateFieldIsAWarningWithTheClosestName() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: echo}
                - name: echo
                  container: {image: alpine}
                  retryStrategey: {limit: 2}
                """)).containsExactly("9:3: warning: unknown field 'retryStrategey' in template 'echo';"
                + " did you mean 'retryStrategy'?");
    }

    @Test
    void anUnknownTaskFieldIsAWarningWithTheClosestName() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: a
                      template: echo
                      dependecies: []
                - name: echo
                  container: {image: alpine}
                """)).containsExactly("8:7: warning: unknown field 'dependecies' in task 'a'; did you mean"
                + " 'dependencies'?");
    }

    @Test
    void anUnknownContainerFieldIsAWarningWithTheClosestKubernetesName() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: echo}
                - name: echo
                  container:
                    image: alpine
                    imagePullPolicy: Always
                    comand: [echo]
                """)).containsExactly("11:5: warning: unknown field 'comand' in the container of template 'echo'"
                + " (Kubernetes Container); did you mean 'command'?");
    }

    @Test
    void anArgoFieldWithNoEffectHereIsAWarningSayingSo() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: echo}
                - name: echo
                  memoize: {key: k}
                  container: {image: alpine}
                """)).containsExactly("8:3: warning: 'memoize' in template 'echo' is not supported by"
                + " onepanel-workflow and has no effect");
    }

    @Test
    void aFileWithNoDocument() {
        assertThat(findings("# nothing here\n")).containsExactly("1:1: error: the file holds no YAML document");
    }

    @Test
    void aCommandWrittenAsOneLineIsReportedAsNeedingAListWithBothWaysToWriteIt() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag: {tasks: [{name: a, template: echo}]}
                - name: echo
                  container:
                    image: alpine
                    command: echo "hi there"
                    args: --verbose
                    env: {GREETING: hi}
                """)).containsExactly(
                "8:14: error: the container of template 'echo': 'command' must be a list (items starting with '- ',"
                        + " or [a, b]), not the value 'echo \"hi there\"'; write each word as an item, [echo,"
                        + " \"hi, there\"], or let a shell split it: [sh, -c, \"echo \\\"hi there\\\"\"]",
                "9:11: error: the container of template 'echo': 'args' must be a list (items starting with '- ', or"
                        + " [a, b]), not the value '--verbose'; write each word as an item, [--verbose]",
                "10:10: error: the container of template 'echo': 'env' must be a list (items starting with '- ', or"
                        + " [a, b]), not a mapping");
    }

    @Test
    void aScalarWhereAKubernetesObjectBelongsIsReportedAtTheValue() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag: {tasks: [{name: a, template: echo}]}
                - name: echo
                  container:
                    image: alpine
                    resources: 2 cores
                """)).containsExactly("8:16: error: the container of template 'echo': 'resources' must be a mapping"
                + " (key: value), not the value '2 cores'");
    }
}
