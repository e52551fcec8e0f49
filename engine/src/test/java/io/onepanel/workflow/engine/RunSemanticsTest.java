package io.onepanel.workflow.engine;

import static io.onepanel.workflow.engine.Runs.phaseOf;
import static io.onepanel.workflow.engine.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.engine.ScriptedRuntime.Outcome;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.template.Artifact;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Argo's run-time rules that real templates rely on; the runtime is scripted. */
class RunSemanticsTest {

    private static NodeStatus node(RunResult result, String name) {
        return result.nodes().stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no node " + name + " in "
                        + result.nodes().stream().map(NodeStatus::name).toList()));
    }

    private static List<String> commandOf(ScriptedRuntime runtime, String task) {
        return runtime.events().stream().filter(e -> e.kind().equals("start") && e.task().equals(task)).findFirst()
                .orElseThrow().request().template().container().getCommand();
    }

    // ---- outputs of tasks that never ran ------------------------------------------------------

    private static String skippedProducer(String consumerInput, String producerOutput) {
        return """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: A, template: make, when: "1 == 2"}
                    - name: B
                      depends: A
                      template: use
                      arguments: {parameters: [{name: p, value: "got {{tasks.A.outputs.parameters.p}}"}]}
                - name: make
                  container: {image: alpine, command: [make]}
                  outputs: {parameters: [{name: p, valueFrom: {path: /tmp/p%s}}]}
                - name: use
                  inputs: {parameters: [{name: p%s}]}
                  container: {image: alpine, command: [echo, "{{inputs.parameters.p}}"]}
                """.formatted(producerOutput, consumerInput);
    }

    @Test
    void anOutputOfASkippedTaskWithoutAnyDefaultFailsTheConsumerNamingTheReference() {
        ScriptedRuntime runtime = new ScriptedRuntime(r -> Outcome.ok(0));
        RunResult result = run(skippedProducer("", ""), runtime);

        assertThat(result.succeeded()).isFalse();
        assertThat(runtime.started()).isEmpty(); // the literal {{...}} never reaches a command
        assertThat(node(result, "A").phase()).isEqualTo(NodePhase.SKIPPED);
        assertThat(node(result, "B").phase()).isEqualTo(NodePhase.ERROR);
        assertThat(node(result, "B").message()).isEqualTo("task 'B': argument 'p': {{tasks.A.outputs.parameters.p}}"
                + " is absent: task 'A' was skipped and has no output parameter 'p' (its template gives no"
                + " valueFrom.default), and input parameter 'p' of template 'use' has no default");
    }

    @Test
    void theConsumersInputDefaultOrTheProducersOutputDefaultStandsInForAnAbsentOutput() {
        ScriptedRuntime consumerDefault = new ScriptedRuntime(r -> Outcome.ok(0));
        assertThat(run(skippedProducer(", default: fallback", ""), consumerDefault).succeeded()).isTrue();
        assertThat(commandOf(consumerDefault, "B")).containsExactly("echo", "fallback");

        ScriptedRuntime producerDefault = new ScriptedRuntime(r -> Outcome.ok(0));
        assertThat(run(skippedProducer("", ", default: none"), producerDefault).succeeded()).isTrue();
        assertThat(commandOf(producerDefault, "B")).containsExactly("echo", "got none");
    }

    @Test
    void anArtifactOfASkippedTaskFailsTheConsumerUnlessItsInputIsOptional() {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: A, template: make, when: "1 == 2"}
                    - name: B
                      depends: A
                      template: use
                      arguments: {artifacts: [{name: data, from: "{{tasks.A.outputs.artifacts.data}}"}]}
                - name: make
                  container: {image: alpine, command: [make]}
                  outputs: {artifacts: [{name: data, path: /tmp/data}]}
                - name: use
                  inputs: {artifacts: [{name: data, path: /tmp/in%s}]}
                  container: {image: alpine, command: [cat, /tmp/in]}
                """;
        ScriptedRuntime runtime = new ScriptedRuntime(r -> Outcome.ok(0));
        RunResult result = run(yaml.formatted(""), runtime);

        assertThat(result.succeeded()).isFalse();
        assertThat(node(result, "B").message()).contains("task 'B'", "{{tasks.A.outputs.artifacts.data}}",
                "task 'A' was skipped");
        assertThat(run(yaml.formatted(", optional: true"), new ScriptedRuntime(r -> Outcome.ok(0))).succeeded())
                .isTrue();
    }

    // ---- when before arguments ----------------------------------------------------------------

    @Test
    void aSkippedTasksArgumentsAreNeverEvaluated() {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: A
                      template: use
                      when: "1 == 2"
                      arguments: {parameters: [{name: p, value: "{{=asInt('not a number')}}"}]}
                - name: use
                  inputs: {parameters: [{name: p}]}
                  container: {image: alpine, command: [echo, "{{inputs.parameters.p}}"]}
                """;
        RunResult result = run(yaml, new ScriptedRuntime(r -> Outcome.ok(0)));

        assertThat(result.succeeded()).isTrue();
        assertThat(phaseOf(result, "A")).isEqualTo(NodePhase.SKIPPED);
    }

    @Test
    void anExpressionErrorNamesTheTaskTheFieldAndTheExpressionAndADagKeepsItsType() {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: A
                      template: inner
                      arguments: {parameters: [{name: p, value: "{{=asInt('seven')}}"}]}
                - name: inner
                  inputs: {parameters: [{name: p}]}
                  dag:
                    tasks:
                    - {name: X, template: use, arguments: {parameters: [{name: p, value: "{{inputs.parameters.p}}"}]}}
                - name: use
                  inputs: {parameters: [{name: p}]}
                  container: {image: alpine, command: [echo, "{{inputs.parameters.p}}"]}
                """;
        RunResult result = run(yaml, new ScriptedRuntime(r -> Outcome.ok(0)));

        assertThat(result.succeeded()).isFalse();
        NodeStatus a = node(result, "A");
        assertThat(a.type()).isEqualTo(NodeType.DAG);
        assertThat(a.phase()).isEqualTo(NodePhase.ERROR);
        assertThat(a.message()).isEqualTo("task 'A': argument 'p': '{{=asInt('seven')}}': asInt: cannot convert"
                + " string 'seven' to an int");
    }

    @Test
    void anExpressionThatWouldGrowWithoutBoundFailsItsTaskNamingTheExpression() {
        String explosive = "replace(".repeat(10) + "'aaaaaaaaaaaaaaaa'" + ", 'a', 'aaaaaaaaaaaaaaaa')".repeat(10);
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: A, template: use, arguments: {parameters: [{name: p, value: "{{=%s}}"}]}}
                - name: use
                  inputs: {parameters: [{name: p}]}
                  container: {image: alpine, command: [echo, "{{inputs.parameters.p}}"]}
                """.formatted(explosive);
        ScriptedRuntime runtime = new ScriptedRuntime(r -> Outcome.ok(0));
        RunResult result = run(yaml, runtime);

        assertThat(result.succeeded()).isFalse();
        assertThat(runtime.started()).isEmpty();
        assertThat(node(result, "A").message()).startsWith("task 'A': argument 'p': '{{=replace(replace(")
                .endsWith("at most 4194304 are allowed");
    }

    // ---- recursion ----------------------------------------------------------------------------

    @Test
    void aRecursionThatAConditionEndsRunsToTheEnd() {
        String yaml = """
                entrypoint: coinflip
                templates:
                - name: coinflip
                  dag:
                    tasks:
                    - {name: flip, template: flip}
                    - {name: again, depends: flip, template: coinflip, when: "{{tasks.flip.outputs.result}} == tails"}
                - name: flip
                  container: {image: alpine, command: [flip]}
                """;
        AtomicInteger flips = new AtomicInteger();
        ScriptedRuntime runtime = new ScriptedRuntime(
                r -> Outcome.ok(0, flips.incrementAndGet() < 4 ? "tails" : "heads", Map.of()));
        RunResult result = run(yaml, runtime);

        assertThat(result.succeeded()).isTrue();
        assertThat(runtime.started()).hasSize(4);
    }

    @Test
    void aRecursionWithoutEndFailsWithTheChainInOneLine() {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: sub}
                - name: sub
                  dag:
                    tasks:
                    - {name: b, template: main}
                """;
        ScriptedRuntime runtime = new ScriptedRuntime(r -> Outcome.ok(0));
        RunResult result = run(yaml, runtime);

        assertThat(result.phase().isFailure()).isTrue();
        assertThat(result.message()).doesNotContain("StackOverflowError").doesNotContain("\n")
                .hasSizeLessThan(1000)
                .contains("templates are nested more than 100 deep",
                        "main → task 'a' → sub → task 'b' → main → …");
        assertThat(result.nodes()).hasSizeBetween(100, 102);
    }

    // ---- retried DAGs -------------------------------------------------------------------------

    @Test
    void aDagWithARetryStrategyIsRetriedAsAWholeUnderARetryNode() {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: R, template: steps}
                - name: steps
                  retryStrategy: {limit: "2"}
                  dag:
                    tasks:
                    - {name: one, template: t}
                    - {name: two, depends: one, template: t}
                - name: t
                  container: {image: alpine, command: [t]}
                """;
        AtomicInteger twos = new AtomicInteger();
        ScriptedRuntime runtime = new ScriptedRuntime(r -> r.taskName().equals("two") && twos.incrementAndGet() == 1
                ? Outcome.fail(0, 3) : Outcome.ok(0));
        RunResult result = run(yaml, runtime);

        assertThat(result.succeeded()).as("%s", result.message()).isTrue();
        assertThat(node(result, "R").type()).isEqualTo(NodeType.RETRIES);
        assertThat(node(result, "R(0)").type()).isEqualTo(NodeType.DAG);
        assertThat(node(result, "R(0)").phase()).isEqualTo(NodePhase.FAILED);
        assertThat(node(result, "R(1)").phase()).isEqualTo(NodePhase.SUCCEEDED);
        assertThat(runtime.started()).containsExactly("one", "two", "one", "two");
    }

    // ---- global output artifacts --------------------------------------------------------------

    @Test
    void anOutputArtifactWithAGlobalNameReachesLaterTasksAndTheExitHandler() {
        String yaml = """
                entrypoint: main
                onExit: report
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: A, template: make}
                    - name: B
                      depends: A
                      template: use
                      arguments: {artifacts: [{name: in, from: "{{workflow.outputs.artifacts.model}}"}]}
                - name: report
                  dag:
                    tasks:
                    - name: E
                      template: use
                      arguments: {artifacts: [{name: in, from: "{{workflow.outputs.artifacts.model}}"}]}
                - name: make
                  container: {image: alpine, command: [make]}
                  outputs: {artifacts: [{name: data, path: /tmp/data, globalName: model}]}
                - name: use
                  inputs: {artifacts: [{name: in, path: /tmp/in}]}
                  container: {image: alpine, command: [cat, /tmp/in]}
                """;
        ScriptedRuntime runtime = new ScriptedRuntime(r -> r.taskName().equals("A")
                ? new Outcome(0, TaskResult.succeeded("", Map.of(), r.template().outputs().artifacts()))
                : Outcome.ok(0));
        RunResult result = run(yaml, runtime);

        assertThat(result.succeeded()).as("%s", result.message()).isTrue();
        String key = runtime.events().stream().filter(e -> e.task().equals("A")).findFirst().orElseThrow().request()
                .template().outputs().artifacts().get(0).s3().key();
        for (String task : List.of("B", "E")) {
            Artifact in = runtime.events().stream().filter(e -> e.task().equals(task)).findFirst().orElseThrow()
                    .request().template().inputs().artifacts().get(0);
            assertThat(in.s3().key()).as(task).isEqualTo(key);
        }
    }
}
