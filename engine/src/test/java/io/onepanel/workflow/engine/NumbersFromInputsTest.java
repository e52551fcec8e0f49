package io.onepanel.workflow.engine;

import static io.onepanel.workflow.engine.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.engine.ScriptedRuntime.Outcome;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A number a template's field takes from {@code {{inputs.parameters.x}}} is known only when the task
 * is about to run (validate checks those that come from workflow parameters): a value that is not a
 * number in the field's range ends that task as an Error that names the field, the value and the
 * range, and nothing of it runs; its siblings are not affected.
 */
class NumbersFromInputsTest {

    private static final String WORKFLOW = """
            entrypoint: main
            templates:
            - name: main
              dag:
                tasks:
                - {name: bad, template: t, arguments: {parameters: [{name: n, value: "%s"}]}}
                - {name: good, template: t, arguments: {parameters: [{name: n, value: "%s"}]}}
            - name: t
              inputs: {parameters: [{name: n}]}
              %s
              container: {image: alpine, command: [echo, hi]}
            """;

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "retryStrategy: {limit: '{{inputs.parameters.n}}'}| abc | 2 | retryStrategy.limit of template 't' is 'abc'"
                + " (from {{inputs.parameters.n}}); expected a whole number from 0 to 2147483647",
        "retryStrategy: {limit: '{{inputs.parameters.n}}'}| 2147483648 | 2 | retryStrategy.limit of template 't' is"
                + " '2147483648' (from {{inputs.parameters.n}}); expected a whole number from 0 to 2147483647",
        "retryStrategy: {limit: '{{inputs.parameters.n}}'}| -1 | 2 | retryStrategy.limit of template 't' is '-1'"
                + " (from {{inputs.parameters.n}}); expected a whole number from 0 to 2147483647",
        "activeDeadlineSeconds: '{{inputs.parameters.n}}'| 99999999999999999999 | 60 | activeDeadlineSeconds of"
                + " template 't' is '99999999999999999999' (from {{inputs.parameters.n}}); expected",
        "activeDeadlineSeconds: '{{inputs.parameters.n}}'| ten | 60 | activeDeadlineSeconds of template 't' is 'ten'"
                + " (from {{inputs.parameters.n}}); expected",
        "timeout: '{{inputs.parameters.n}}'| 5 parsecs | 1m | timeout of template 't' is '5 parsecs'"
                + " (from {{inputs.parameters.n}}); expected",
        "retryStrategy: {limit: 1, backoff: {duration: 1s, factor: '{{inputs.parameters.n}}'}}| x2 | 2 |"
                + " retryStrategy.backoff.factor of template 't' is 'x2' (from {{inputs.parameters.n}}); expected a"
                + " number",
    })
    void aValueOutOfRangeEndsItsTaskAsAnErrorNamingFieldValueAndRange(String field, String bad, String good,
            String message) {
        ScriptedRuntime runtime = new ScriptedRuntime(r -> Outcome.ok(1));

        RunResult result = run(WORKFLOW.formatted(bad, good, field), runtime);

        NodeStatus node = result.nodes().stream().filter(n -> n.name().equals("bad")).findFirst().orElseThrow();
        assertThat(node.phase()).isEqualTo(NodePhase.ERROR);
        assertThat(node.message()).startsWith(message);
        assertThat(runtime.started()).as("nothing of the bad task ran").singleElement().asString()
                .startsWith("good");
        assertThat(Runs.phaseOf(result, "good")).isEqualTo(NodePhase.SUCCEEDED);
    }

    @org.junit.jupiter.api.Test
    void aSuspendDurationFromAnInputIsCheckedToo() {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag: {tasks: [{name: wait, template: wait, arguments: {parameters: [{name: d, value: soon}]}}]}
                - name: wait
                  inputs: {parameters: [{name: d}]}
                  suspend: {duration: "{{inputs.parameters.d}}"}
                """;

        RunResult result = run(yaml, new ScriptedRuntime(r -> Outcome.ok(1)));

        NodeStatus node = result.nodes().stream().filter(n -> n.name().equals("wait")).findFirst().orElseThrow();
        assertThat(node.phase()).isEqualTo(NodePhase.ERROR);
        assertThat(node.message()).isEqualTo("suspend.duration of template 'wait' is 'soon' (from"
                + " {{inputs.parameters.d}}); expected a number of seconds (at most 9223372036854775807) or a"
                + " duration such as 30s, 5m, 1h30m");
    }
}
