package io.onepanel.workflow.engine;

import static io.onepanel.workflow.engine.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.engine.ScriptedRuntime.Outcome;
import io.onepanel.workflow.runtime.TaskExecution;
import io.onepanel.workflow.runtime.TaskListener;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.runtime.TaskRuntime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A loop's outputs as one task's outputs, as Argo's {@code processAggregateNodeOutputs} makes them:
 * in loop-index order, whatever order the items finish in (Argo's TestDAGReferTaskAggregatedOutputs and
 * examples/parameter-aggregation-dag.yaml).
 */
class LoopOutputsTest {

    /** odd-or-even over [1, 2]; the DAG exports both aggregated parameters, a later task loops over results. */
    private static final String AGGREGATION = """
            entrypoint: aggregate
            templates:
            - name: aggregate
              dag:
                tasks:
                - name: odd-or-even
                  template: odd-or-even
                  arguments: {parameters: [{name: num, value: "{{item}}"}]}
                  withItems: [1, 2]
                - name: halves
                  depends: odd-or-even
                  template: half
                  arguments: {parameters: [{name: num, value: "{{item}}"}]}
                  withParam: "{{tasks.odd-or-even.outputs.parameters.num}}"
                - name: print
                  depends: halves
                  template: print
                  arguments: {parameters: [{name: message, value: "{{tasks.halves.outputs.result}}"}]}
              outputs:
                parameters:
                - name: nums
                  valueFrom: {parameter: "{{tasks.odd-or-even.outputs.parameters.num}}"}
                - name: evenness
                  valueFrom: {parameter: "{{tasks.odd-or-even.outputs.parameters.evenness}}"}
                - name: all
                  valueFrom: {parameter: "{{tasks.odd-or-even.outputs.parameters}}"}
            - name: odd-or-even
              inputs: {parameters: [{name: num}]}
              container: {image: alpine, command: [sh, -c, "echo {{inputs.parameters.num}}"]}
              outputs:
                parameters:
                - {name: num, valueFrom: {path: /tmp/num}}
                - {name: evenness, valueFrom: {path: /tmp/even}}
            - name: half
              inputs: {parameters: [{name: num}]}
              container: {image: alpine, command: [sh, -c, "echo $(({{inputs.parameters.num}}/2))"]}
            - name: print
              inputs: {parameters: [{name: message}]}
              container: {image: alpine, command: [echo, "{{inputs.parameters.message}}"]}
            """;

    private static String input(ScriptedRuntime.Event e, String name) {
        return e.request().template().inputs().parameters().stream().filter(p -> p.name().equals(name))
                .findFirst().orElseThrow().value();
    }

    private static TaskResult outcome(TaskRequest r) {
        String num = r.template().inputs().parameters().isEmpty() ? ""
                : r.template().inputs().parameters().get(0).value();
        return switch (r.template().name()) {
            case "odd-or-even" -> TaskResult.succeeded(num,
                    Map.of("num", num, "evenness", num.equals("1") ? "odd" : "even"), List.of());
            case "half" -> TaskResult.succeeded(Integer.toString(Integer.parseInt(num) / 2), Map.of(), List.of());
            default -> TaskResult.succeeded(null, Map.of(), List.of());
        };
    }

    @Test
    void aggregatedOutputsFollowTheLoopIndexNotTheFinishingOrder() {
        LastItemFirst runtime = new LastItemFirst(LoopOutputsTest::outcome);
        RunResult result = run(AGGREGATION, runtime);

        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(runtime.ended()).containsSubsequence("odd-or-even(1:2)", "odd-or-even(0:1)")
                .containsSubsequence("halves(1:2)", "halves(0:1)");
        NodeStatus dag = result.nodes().stream().filter(n -> n.type() == NodeType.DAG).findFirst().orElseThrow();
        assertThat(dag.outputParameters()).containsEntry("nums", "[\"1\",\"2\"]")
                .containsEntry("evenness", "[\"odd\",\"even\"]")
                .containsEntry("all", "[{\"evenness\":\"odd\",\"num\":\"1\"},{\"evenness\":\"even\",\"num\":\"2\"}]");
        // Results that are JSON stay JSON: numbers, in index order.
        assertThat(runtime.input("print", "message")).isEqualTo("[0,1]");
    }

    /**
     * Ends the first item of a two-item loop only after the second has ended, so that items finish
     * in reverse loop order without any timing; other tasks end at once.
     */
    private static final class LastItemFirst implements TaskRuntime {
        private final Function<TaskRequest, TaskResult> script;
        private final Map<String, CompletableFuture<TaskResult>> results = new ConcurrentHashMap<>();
        private final Map<String, TaskRequest> requests = new ConcurrentHashMap<>();
        private final List<String> ended = new CopyOnWriteArrayList<>();

        LastItemFirst(Function<TaskRequest, TaskResult> script) {
            this.script = script;
        }

        @Override
        public TaskExecution start(TaskRequest request, TaskListener listener) {
            String name = request.taskName();
            requests.put(name, request);
            CompletableFuture<TaskResult> own = new CompletableFuture<>();
            String loop = name.contains("(") ? name.substring(0, name.indexOf('(')) : name;
            CompletableFuture<TaskResult> after = name.startsWith(loop + "(0:") ? secondItemEnded(loop)
                    : CompletableFuture.completedFuture(null);
            after.thenRunAsync(() -> {
                ended.add(name);
                own.complete(script.apply(request));
                if (name.startsWith(loop + "(1:")) {
                    secondItemEnded(loop).complete(null);
                }
            });
            return new TaskExecution() {
                @Override
                public CompletableFuture<TaskResult> result() {
                    return own;
                }

                @Override
                public void cancel(String reason) {
                    own.complete(TaskResult.failed(null, reason));
                }
            };
        }

        private CompletableFuture<TaskResult> secondItemEnded(String loop) {
            return results.computeIfAbsent(loop, n -> new CompletableFuture<>());
        }

        List<String> ended() {
            return List.copyOf(ended);
        }

        String input(String task, String parameter) {
            return requests.get(task).template().inputs().parameters().stream()
                    .filter(p -> p.name().equals(parameter)).findFirst().orElseThrow().value();
        }
    }

    @Test
    void onlySucceededItemsAreAggregatedAndTextResultsStayText() {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: say, template: say, withItems: [a, b, c], continueOn: {failed: true},
                       arguments: {parameters: [{name: word, value: "{{item}}"}]}}
                    - name: print
                      depends: say
                      template: print
                      arguments: {parameters: [{name: message, value: "{{tasks.say.outputs.result}}"}]}
                - name: say
                  inputs: {parameters: [{name: word}]}
                  container: {image: alpine, command: [echo, "{{inputs.parameters.word}}"]}
                - name: print
                  inputs: {parameters: [{name: message}]}
                  container: {image: alpine, command: [echo, "{{inputs.parameters.message}}"]}
                """;
        ScriptedRuntime runtime = new ScriptedRuntime(r -> {
            String word = r.template().inputs().parameters().get(0).value();
            return word.equals("b") ? Outcome.fail(0, 1) : Outcome.ok(0, word, Map.of());
        });

        run(yaml, runtime);

        ScriptedRuntime.Event print = runtime.events().stream()
                .filter(e -> e.kind().equals("start") && e.task().equals("print")).findFirst().orElseThrow();
        assertThat(input(print, "message")).isEqualTo("[\"a\",\"c\"]");
    }
}
