package io.onepanel.workflow.engine;

import static io.onepanel.workflow.engine.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.engine.ScriptedRuntime.Outcome;
import org.junit.jupiter.api.Test;

/**
 * A DAG's output parameters when what they name never came, as Argo's getTemplateOutputsFromScope
 * takes them (its TestDAGSkippedOutputDefaultAggregate and TestDAGSkippedOutputExprDefaultAggregate).
 */
class DagOutputsTest {

    /** A producer that never runs, and a DAG output that reads its output. */
    private static String skippedProducer(String valueFrom, String producerDefault) {
        return """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: producer, template: produce, when: "false"}
                  outputs:
                    parameters:
                    - name: result
                      valueFrom: %s
                - name: produce
                  outputs:
                    parameters:
                    - name: msg
                      valueFrom: {path: /tmp/out.txt%s}
                  container: {image: alpine, command: [sh, -c, "echo hello > /tmp/out.txt"]}
                """.formatted(valueFrom, producerDefault);
    }

    private static NodeStatus dag(RunResult result) {
        return result.nodes().stream().filter(n -> n.type() == NodeType.DAG).findFirst().orElseThrow();
    }

    @Test
    void anExpressionThatCannotResolveTakesTheOutputsDefault() {
        RunResult result = run(skippedProducer("{expression: \"tasks.producer.outputs.parameters.msg\","
                + " default: default-from-aggregator}", ""), new ScriptedRuntime(r -> Outcome.ok(0)));

        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(dag(result).outputParameters()).containsEntry("result", "default-from-aggregator");
    }

    @Test
    void theProducersDefaultWinsOverTheAggregatorsForAParameterReference() {
        RunResult result = run(skippedProducer("{parameter: \"{{tasks.producer.outputs.parameters.msg}}\","
                + " default: default-from-aggregator}", ", default: default-from-producer"),
                new ScriptedRuntime(r -> Outcome.ok(0)));

        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(dag(result).outputParameters()).containsEntry("result", "default-from-producer");
    }

    @Test
    void withoutADefaultTheDagErrorsNamingTheParameterAndWhatWouldFixIt() {
        RunResult result = run(skippedProducer("{expression: \"tasks.producer.outputs.parameters.msg\"}", ""),
                new ScriptedRuntime(r -> Outcome.ok(0)));

        assertThat(dag(result).phase()).isEqualTo(NodePhase.ERROR);
        assertThat(dag(result).message()).isEqualTo("cannot collect the outputs of template 'main': output"
                + " parameter 'result': valueFrom.expression 'tasks.producer.outputs.parameters.msg': unresolved"
                + " variable 'tasks.producer.outputs.parameters.msg'; give it a valueFrom.default for when it cannot"
                + " resolve");
    }
}
