package io.onepanel.workflow.engine;

import static io.onepanel.workflow.engine.Runs.run;
import static io.onepanel.workflow.validate.Validation.findings;
import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.engine.ScriptedRuntime.Outcome;
import org.junit.jupiter.api.Test;

/**
 * A {@code templateRef} whose names come from the loop item, resolved per item as Argo resolves it
 * when it expands the loop (its TestDAGSkippedRefDynamicTemplateName: the item's template is found,
 * and its input default stands in for a skipped producer's output).
 */
class TemplateRefPerItemTest {

    private static final String LIBRARIES = """
            ---
            apiVersion: argoproj.io/v1alpha1
            kind: WorkflowTemplate
            metadata: {name: greet-lib}
            spec:
              templates:
              - name: consume
                inputs: {parameters: [{name: in, default: FALLBACK}]}
                container: {image: alpine, command: [echo, greet, "{{inputs.parameters.in}}"]}
            ---
            apiVersion: argoproj.io/v1alpha1
            kind: WorkflowTemplate
            metadata: {name: shout-lib}
            spec:
              templates:
              - name: consume
                inputs: {parameters: [{name: in, default: FALLBACK}]}
                container: {image: alpine, command: [echo, SHOUT, "{{inputs.parameters.in}}"]}
            """;

    private static String workflow(String items) {
        return """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: producer, template: produce, when: "false"}
                    - name: consumer
                      templateRef: {name: "{{item.wftmpl}}", template: "{{item.tmpl}}"}
                      withItems: %s
                      depends: "producer.Succeeded || producer.Skipped"
                      arguments: {parameters: [{name: in, value: "{{tasks.producer.outputs.parameters.msg}}"}]}
                - name: produce
                  outputs: {parameters: [{name: msg, valueFrom: {path: /tmp/out.txt}}]}
                  container: {image: alpine, command: [sh, -c, "echo hello > /tmp/out.txt"]}
                """.formatted(items);
    }


    @Test
    void eachItemRunsTheTemplateItsOwnNamesResolveTo() {
        String yaml = workflow("[{wftmpl: greet-lib, tmpl: consume}, {wftmpl: shout-lib, tmpl: consume}]") + LIBRARIES;
        assertThat(findings(yaml)).isEmpty();
        ScriptedRuntime runtime = new ScriptedRuntime(r -> Outcome.ok(0));

        RunResult result = run(yaml, runtime);

        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(runtime.commandOf("consumer(0:wftmpl:greet-lib,tmpl:consume)"))
                .containsExactly("echo", "greet", "FALLBACK");
        assertThat(runtime.commandOf("consumer(1:wftmpl:shout-lib,tmpl:consume)"))
                .containsExactly("echo", "SHOUT", "FALLBACK");
    }

    @Test
    void anItemNamingATemplateThatIsNotLoadedErrorsSayingWhatItResolvedTo() {
        String yaml = workflow("[{wftmpl: greet-lib, tmpl: consume}, {wftmpl: whisper-lib, tmpl: consume}]")
                + LIBRARIES;
        ScriptedRuntime runtime = new ScriptedRuntime(r -> Outcome.ok(0));

        RunResult result = run(yaml, runtime);

        NodeStatus missing = result.nodes().stream().filter(n -> n.name().startsWith("consumer(1:")).findFirst()
                .orElseThrow();
        assertThat(missing.phase()).isEqualTo(NodePhase.ERROR);
        assertThat(missing.message()).isEqualTo("templateRef {{item.wftmpl}}/{{item.tmpl}} is whisper-lib/consume"
                + " here, which is not loaded: put that WorkflowTemplate in the same file (after '---') or pass its"
                + " file with --library");
    }

    @Test
    void withNothingLoadedThatTheNamesCanResolveToValidationSaysWhereToPutIt() {
        assertThat(findings(workflow("[{wftmpl: greet-lib, tmpl: consume}]"))).containsExactly("8:20: error: task"
                + " 'consumer' uses templateRef {{item.wftmpl}}/{{item.tmpl}}, whose names are resolved as the task"
                + " runs (for each loop item), but no loaded WorkflowTemplate has a template they can name: put the"
                + " WorkflowTemplates it names in the same file (after '---') or pass their files with --library");
    }
}
