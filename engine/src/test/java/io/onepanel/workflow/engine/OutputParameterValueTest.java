package io.onepanel.workflow.engine;

import static io.onepanel.workflow.engine.Runs.run;
import static io.onepanel.workflow.validate.Validation.findings;
import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.engine.ScriptedRuntime.Outcome;
import org.junit.jupiter.api.Test;

/**
 * Output parameters given by {@code value:} (no {@code valueFrom}), as Argo treats them: a container's
 * is a task output as its template's substitution leaves it (the executor's ReportOutputs reports every
 * output parameter; KFP-compiled workflows rely on it); a DAG's is refused (its controller fails the
 * DAG: "output parameters must have a valueFrom specified"); a container's cannot name tasks
 * (validateOutputs: "failed to resolve").
 */
class OutputParameterValueTest {


    @Test
    void aContainersValueOutputIsATaskOutputAsSubstituted() {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: A, template: produce, arguments: {parameters: [{name: x, value: hello}]}}
                    - name: B
                      depends: A
                      template: consume
                      arguments: {parameters: [{name: m, value: "{{tasks.A.outputs.parameters.p}}"}]}
                    - name: C
                      depends: A
                      template: consume
                      arguments: {parameters: [{name: m, value: "{{item}}"}]}
                      withParam: "{{tasks.A.outputs.parameters.list}}"
                - name: produce
                  inputs: {parameters: [{name: x}]}
                  container: {image: alpine, command: [true]}
                  outputs:
                    parameters:
                    - {name: p, value: "{{inputs.parameters.x}} from {{pod.name}}"}
                    - {name: list, value: '["a", "b"]'}
                - name: consume
                  inputs: {parameters: [{name: m}]}
                  container: {image: alpine, command: [echo, "{{inputs.parameters.m}}"]}
                """;
        assertThat(findings(yaml)).isEmpty();
        ScriptedRuntime runtime = new ScriptedRuntime(r -> Outcome.ok(0));

        RunResult result = run(yaml, runtime);

        assertThat(result.succeeded()).as(result.message()).isTrue();
        String pod = result.nodes().stream().filter(n -> n.name().equals("A")).findFirst().orElseThrow().podName();
        assertThat(runtime.commandOf("B")).containsExactly("echo", "hello from " + pod);
        assertThat(runtime.commandOf("C(0:a)")).containsExactly("echo", "a");
        assertThat(runtime.commandOf("C(1:b)")).containsExactly("echo", "b");
    }

    @Test
    void aContainersValueOutputCannotNameTasksAsArgoCannotResolveThemThere() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag: {tasks: [{name: A, template: echo}, {name: B, template: echo, depends: A}]}
                - name: echo
                  container: {image: alpine, command: [echo, hi]}
                  outputs:
                    parameters:
                    - {name: p, value: "{{tasks.A.outputs.result}}"}
                """)).singleElement().asString().startsWith("9:25: error: output parameter 'p' of template 'echo':"
                        + " {{tasks.A.outputs.result}} names a task, but only DAG tasks and DAG outputs can refer"
                        + " to tasks; give this template an input parameter");
    }

    @Test
    void aDagsValueOutputIsRefusedSayingWhatArgoDoesAndWhatToWrite() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag: {tasks: [{name: A, template: echo}]}
                  outputs:
                    parameters:
                    - {name: said, value: "{{tasks.A.outputs.result}}"}
                - name: echo
                  container: {image: alpine, command: [echo, hi]}
                """)).containsExactly("7:27: error: output parameter 'said' of template 'main' is a DAG's output with"
                + " a value but no valueFrom: Argo accepts the template, then fails the DAG when it ends (\"output"
                + " parameters must have a valueFrom specified\"); write valueFrom: {parameter:"
                + " '{{tasks.A.outputs.result}}'}");
    }

    @Test
    void valueAndValueFromTogetherAreRefusedAsArgoRefusesThem() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag: {tasks: [{name: A, template: echo}]}
                - name: echo
                  container: {image: alpine, command: [echo, hi]}
                  outputs:
                    parameters:
                    - {name: p, value: x, valueFrom: {path: /tmp/p}}
                """)).containsExactly("9:38: error: output parameter 'p' of template 'echo' has both a value and a"
                + " valueFrom, which Argo refuses; keep one");
    }
}
