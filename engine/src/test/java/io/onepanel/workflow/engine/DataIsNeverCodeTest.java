package io.onepanel.workflow.engine;

import static io.onepanel.workflow.engine.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.engine.ScriptedRuntime.Outcome;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A value from a parameter, an argument, a task's output or a loop item is inserted into a template
 * once, as it is: text in it that looks like {@code {{...}}} or {@code {{=...}}} is never substituted or
 * evaluated, however many stages the value passes through.
 */
class DataIsNeverCodeTest {

    static final String PASS_ON = """
            entrypoint: main
            arguments:
              parameters:
              - name: message
                value: hello
            templates:
            - name: main
              dag:
                tasks:
                - name: A
                  template: say
                  arguments: {parameters: [{name: text, value: "{{workflow.parameters.message}}"}]}
                - name: B
                  depends: A
                  template: say
                  arguments: {parameters: [{name: text, value: "{{tasks.A.outputs.result}}"}]}
            - name: say
              inputs:
                parameters:
                - {name: text}
                - {name: hidden, default: the-secret}
              container:
                image: alpine
                command: [echo, "{{inputs.parameters.text}}", "{{pod.name}}"]
            """;

    private static List<String> commandOf(ScriptedRuntime runtime, String task) {
        return runtime.events().stream().filter(e -> e.kind().equals("start") && e.task().equals(task)).findFirst()
                .orElseThrow().request().template().container().getCommand();
    }

    @Test
    void anExpressionInAParameterValueIsPrintedNotEvaluated() {
        ScriptedRuntime runtime = new ScriptedRuntime(r -> Outcome.ok(0, "out", Map.of()));
        RunResult result = run(PASS_ON, runtime, Map.of("message", "{{=sprig.upper(\"x\")}}"));

        assertThat(result.succeeded()).as("%s", result.message()).isTrue();
        assertThat(commandOf(runtime, "A").get(1)).isEqualTo("{{=sprig.upper(\"x\")}}");
    }

    @Test
    void aVariableNameInAParameterValueIsNotExpanded() {
        ScriptedRuntime runtime = new ScriptedRuntime(r -> Outcome.ok(0, "out", Map.of()));
        RunResult result = run(PASS_ON, runtime, Map.of("message", "{{inputs.parameters.hidden}} {{pod.name}}"));

        assertThat(result.succeeded()).as("%s", result.message()).isTrue();
        assertThat(commandOf(runtime, "A").get(1)).isEqualTo("{{inputs.parameters.hidden}} {{pod.name}}");
        assertThat(commandOf(runtime, "A").get(2)).doesNotContain("{{"); // the template's own tag is replaced
    }

    @Test
    void aTasksOutputIsDataInTheNextTask() {
        ScriptedRuntime runtime = new ScriptedRuntime(r -> r.taskName().equals("A")
                ? Outcome.ok(0, "{{=sprig.upper(\"x\")}} {{inputs.parameters.hidden}}", Map.of())
                : Outcome.ok(0, "out", Map.of()));
        RunResult result = run(PASS_ON, runtime);

        assertThat(result.succeeded()).as("%s", result.message()).isTrue();
        assertThat(commandOf(runtime, "B").get(1)).isEqualTo("{{=sprig.upper(\"x\")}} {{inputs.parameters.hidden}}");
    }

    @Test
    void onepanelsWorkflowConveniencesAreTheOnlyTagsAValueMayHoldAndTheyNeverEvaluate() {
        ScriptedRuntime runtime = new ScriptedRuntime(r -> Outcome.ok(0, "out", Map.of()));
        RunResult result = run(PASS_ON, runtime,
                Map.of("message", "ns={{workflow.namespace}} {{=workflow.namespace}} {{workflow.parameters.message}}"));

        assertThat(result.succeeded()).as("%s", result.message()).isTrue();
        assertThat(commandOf(runtime, "A").get(1))
                .isEqualTo("ns=default {{=workflow.namespace}} {{workflow.parameters.message}}");
    }

    @Test
    void loopItemsFromAnOutputAreDataToo() {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: gen, template: say, arguments: {parameters: [{name: text, value: x}]}}
                    - name: fan
                      depends: gen
                      template: say
                      withParam: "{{tasks.gen.outputs.result}}"
                      arguments: {parameters: [{name: text, value: "item {{item}}"}]}
                - name: say
                  inputs: {parameters: [{name: text}]}
                  container: {image: alpine, command: [echo, "{{inputs.parameters.text}}"]}
                """;
        ScriptedRuntime runtime = new ScriptedRuntime(r -> r.taskName().equals("gen")
                ? Outcome.ok(0, "[\"{{=1+1}}\", \"{{workflow.name}}\"]", Map.of())
                : Outcome.ok(0, "out", Map.of()));
        RunResult result = run(yaml, runtime);

        assertThat(result.succeeded()).as("%s", result.message()).isTrue();
        assertThat(runtime.events().stream().filter(e -> e.kind().equals("start") && e.task().startsWith("fan("))
                .map(e -> e.request().template().container().getCommand().get(1)).toList())
                .containsExactlyInAnyOrder("item {{=1+1}}", "item {{workflow.name}}");
    }

    @Test
    void aValueInsertedWhereKubernetesExpandsVariablesHasItsDollarsEscapedAndTheTemplatesOwnTextDoesNot() {
        String yaml = """
                entrypoint: main
                arguments: {parameters: [{name: v, value: x}]}
                templates:
                - name: main
                  dag: {tasks: [{name: A, template: a}]}
                - name: a
                  container:
                    image: alpine
                    command: [sh, -c, "echo '{{workflow.parameters.v}}' $(GREETING) $$"]
                    args: ["{{workflow.parameters.v}}"]
                    env:
                    - {name: GREETING, value: "hi {{workflow.parameters.v}}"}
                    - {name: OWN, value: "$(GREETING)"}
                    workingDir: "/w/{{workflow.parameters.v}}"
                """;
        ScriptedRuntime runtime = new ScriptedRuntime(r -> Outcome.ok(0, "out", Map.of()));
        RunResult result = run(yaml, runtime, Map.of("v", "$(HOME) $$x"));

        assertThat(result.succeeded()).as("%s", result.message()).isTrue();
        var container = runtime.events().get(0).request().template().container();
        // Kubernetes turns $$ into $ and leaves the rest: the process gets "$(HOME) $$x" as it was given.
        assertThat(container.getCommand()).containsExactly("sh", "-c", "echo '$$(HOME) $$$$x' $(GREETING) $$");
        assertThat(container.getArgs()).containsExactly("$$(HOME) $$$$x");
        assertThat(container.getEnv()).extracting(e -> e.getName() + "=" + e.getValue())
                .containsExactly("GREETING=hi $$(HOME) $$$$x", "OWN=$(GREETING)");
        assertThat(container.getWorkingDir()).as("not expanded by Kubernetes: inserted as it is")
                .isEqualTo("/w/$(HOME) $$x");
    }
}
