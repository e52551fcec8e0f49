package io.onepanel.workflow.engine;

import static io.onepanel.workflow.validate.Validation.findings;
import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.engine.ScriptedRuntime.Outcome;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The variables Argo's docs/variables.md gives "All Templates": {@code node.name} (the node's full
 * name, as in Argo's TestWorkflowInterpolatesNodeNameField), {@code inputs.parameters} (all of them as
 * JSON), {@code inputs.parameters.NAME}, {@code inputs.artifacts.NAME} (a reference, not text).
 */
class NodeVariablesTest {

    private static RunResult run(String yaml, ScriptedRuntime runtime) throws Exception {
        WorkflowEngine engine = Runs.engine(runtime);
        LoadResult loaded = engine.load("test.yaml", yaml);
        assertThat(loaded.errors()).isEmpty();
        return engine.start(loaded.workflow(), new RunOptions(Map.of(), "hello-world", null, null, null),
                RunListener.NONE).completion().get(60, TimeUnit.SECONDS);
    }


    @Test
    void nodeNameInATemplatesArgumentsIsTheNodeOfThatTemplate() throws Exception {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: this-is-part-1, template: main2}
                - name: main2
                  steps:
                  - - name: this-is-part-2
                      template: say
                      arguments: {parameters: [{name: message, value: "{{node.name}}"}]}
                - name: say
                  inputs: {parameters: [{name: message}]}
                  container: {image: alpine, command: [echo, "{{inputs.parameters.message}}"]}
                """;
        ScriptedRuntime runtime = new ScriptedRuntime(r -> Outcome.ok(0));

        assertThat(run(yaml, runtime).succeeded()).isTrue();
        assertThat(runtime.commandOf("this-is-part-2")).containsExactly("echo", "hello-world.this-is-part-1");
    }

    @Test
    void nodeNameInsideAPodTemplateIsItsTasksNodeAlsoWhenRetried() throws Exception {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: A, template: say}
                    - {name: B, template: say, withItems: [x]}
                - name: say
                  retryStrategy: {limit: 1}
                  container: {image: alpine, command: [echo, "{{node.name}}"]}
                """;
        ScriptedRuntime runtime = new ScriptedRuntime(r -> r.attempt() == 0 ? Outcome.fail(0, 1) : Outcome.ok(0));

        assertThat(run(yaml, runtime).succeeded()).isTrue();
        assertThat(runtime.commandOf("A(1)")).containsExactly("echo", "hello-world.A");
        assertThat(runtime.commandOf("B(0:x)(1)")).containsExactly("echo", "hello-world.B(0:x)");
    }

    @Test
    void allInputParametersAreJsonAsArgoWritesThem() throws Exception {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: A, template: say, arguments: {parameters: [{name: a, value: "1"}]}}
                - name: say
                  inputs: {parameters: [{name: a}, {name: b, default: two, enum: [two, three]}]}
                  container: {image: alpine, command: [echo, "{{inputs.parameters}}"]}
                """;
        ScriptedRuntime runtime = new ScriptedRuntime(r -> Outcome.ok(0));

        assertThat(run(yaml, runtime).succeeded()).isTrue();
        assertThat(runtime.commandOf("A")).containsExactly("echo", "[{\"name\":\"a\",\"value\":\"1\"},"
                + "{\"name\":\"b\",\"default\":\"two\",\"value\":\"two\",\"enum\":[\"two\",\"three\"]}]");
    }

    @Test
    void aNodeVariableOtherThanNodeNameIsAnError() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag: {tasks: [{name: A, template: say}]}
                - name: say
                  container: {image: alpine, command: [echo, "{{node.id}}"]}
                """)).containsExactly("6:47: error: the container of template 'say': {{node.id}} is not a variable;"
                + " Argo's only node variable is {{node.name}}, the node's full name");
    }

    @Test
    void anInputArtifactInsideTextIsLeftAsWrittenAndSaysToUseItsPath() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag: {tasks: [{name: A, template: say, arguments: {artifacts: [{name: f, raw: {data: hi}}]}}]}
                - name: say
                  inputs: {artifacts: [{name: f, path: /tmp/f}]}
                  container: {image: alpine, command: [cat, "{{inputs.artifacts.f}}"]}
                """)).containsExactly("7:46: warning: the container of template 'say': {{inputs.artifacts.f}} names"
                + " an artifact, which Argo does not put into text: it stays as written; to insert where the artifact"
                + " is, write {{inputs.artifacts.f.path}}");
    }
}
