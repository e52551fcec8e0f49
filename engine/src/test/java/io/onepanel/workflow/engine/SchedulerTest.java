package io.onepanel.workflow.engine;

import static io.onepanel.workflow.engine.Runs.phaseOf;
import static io.onepanel.workflow.engine.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.engine.ScriptedRuntime.Outcome;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How the scheduler orders, skips, retries and finishes tasks; the runtime is scripted. */
class SchedulerTest {

    static final String DIAMOND = """
            entrypoint: main
            templates:
            - name: main
              dag:
                tasks:
                - {name: A, template: echo, arguments: {parameters: [{name: message, value: A}]}}
                - {name: B, dependencies: [A], template: echo, arguments: {parameters: [{name: message, value: B}]}}
                - {name: C, dependencies: [A], template: echo, arguments: {parameters: [{name: message, value: C}]}}
                - {name: D, dependencies: [B, C], template: echo, arguments: {parameters: [{name: message, value: D}]}}
            - name: echo
              inputs: {parameters: [{name: message}]}
              container: {image: alpine:3.7, command: [echo, "{{inputs.parameters.message}}"]}
            """;

    @Test
    void diamondRunsAThenBAndCTogetherThenD() {
        ScriptedRuntime runtime = new ScriptedRuntime(r -> Outcome.ok(r.taskName().equals("C") ? 300 : 100));
        RunResult result = run(DIAMOND, runtime);

        assertThat(result.phase()).isEqualTo(NodePhase.SUCCEEDED);
        assertThat(runtime.index("start", "B")).isGreaterThan(runtime.index("end", "A"));
        assertThat(runtime.index("start", "C")).isGreaterThan(runtime.index("end", "A"));
        // B and C overlap: each starts before the other ends
        assertThat(runtime.index("start", "C")).isLessThan(runtime.index("end", "B"));
        assertThat(runtime.index("start", "D")).isGreaterThan(runtime.index("end", "C"));
        assertThat(runtime.maxRunning()).isEqualTo(2);
        // the command got its argument
        assertThat(runtime.events().stream().filter(e -> e.task().equals("D")).findFirst().orElseThrow().request()
                .template().container().getCommand()).containsExactly("echo", "D");
    }

    @Test
    void aTaskStartsTheMomentItsOwnDependenciesAreDoneNotItsLevel() {
        // B depends on A (fast); D depends only on B. C (slow) is on A's level; D must not wait for C.
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: A, template: t}
                    - {name: B, depends: A, template: t}
                    - {name: C, depends: A, template: t}
                    - {name: D, depends: B, template: t}
                - name: t
                  container: {image: busybox, command: [true]}
                """;
        ScriptedRuntime runtime = new ScriptedRuntime(r -> Outcome.ok(r.taskName().equals("C") ? 1000 : 50));
        RunResult result = run(yaml, runtime);
        assertThat(result.succeeded()).isTrue();
        assertThat(runtime.index("start", "D")).isLessThan(runtime.index("end", "C"));
    }

    @Test
    void enhancedDependsRunsTasksThatHandleAFailureAndTheDagSucceedsOnItsLeaves() {
        String yaml = """
                entrypoint: diamond
                templates:
                - name: diamond
                  dag:
                    tasks:
                    - {name: A, template: pass}
                    - {name: B, depends: A, template: pass}
                    - {name: C, depends: A, template: fail}
                    - {name: should-execute-1, depends: "A && (C.Succeeded || C.Failed)", template: pass}
                    - {name: should-execute-2, depends: B || C, template: pass}
                    - {name: should-not-execute, depends: B && C, template: pass}
                    - {name: should-execute-3, depends: should-execute-2.Succeeded || should-not-execute, template: pass}
                - name: pass
                  container: {image: busybox, command: [sh, -c, exit 0]}
                - name: fail
                  container: {image: busybox, command: [sh, -c, exit 1]}
                """;
        ScriptedRuntime runtime = new ScriptedRuntime(
                r -> r.template().name().equals("fail") ? Outcome.fail(20, 1) : Outcome.ok(20));
        RunResult result = run(yaml, runtime);

        assertThat(result.phase()).isEqualTo(NodePhase.SUCCEEDED);
        assertThat(phaseOf(result, "C")).isEqualTo(NodePhase.FAILED);
        assertThat(phaseOf(result, "should-execute-1")).isEqualTo(NodePhase.SUCCEEDED);
        assertThat(phaseOf(result, "should-execute-2")).isEqualTo(NodePhase.SUCCEEDED);
        assertThat(phaseOf(result, "should-not-execute")).isEqualTo(NodePhase.OMITTED);
        assertThat(phaseOf(result, "should-execute-3")).isEqualTo(NodePhase.SUCCEEDED);
    }

    @Test
    void anOmittedLeafBelowAFailureFailsTheDag() {
        String yaml = """
                entrypoint: workflow
                templates:
                - name: workflow
                  dag:
                    tasks:
                    - {name: A, template: ok}
                    - {name: B, depends: A, template: no}
                    - {name: C, depends: A, template: ok}
                    - {name: D, depends: B.Failed && C, template: ok}
                    - {name: E, depends: A, template: no}
                    - {name: F, depends: A, template: ok}
                    - {name: G, depends: E && F, template: ok}
                - name: ok
                  container: {image: busybox, command: [echo, hi]}
                - name: no
                  container: {image: busybox, command: [sh, -c, exit 1]}
                """;
        RunResult result = run(yaml, new ScriptedRuntime(
                r -> r.template().name().equals("no") ? Outcome.fail(10, 1) : Outcome.ok(10)));
        assertThat(result.phase()).isEqualTo(NodePhase.FAILED);
        assertThat(phaseOf(result, "D")).isEqualTo(NodePhase.SUCCEEDED);
        assertThat(phaseOf(result, "G")).isEqualTo(NodePhase.OMITTED);
    }

    @Test
    void continueOnFailedLetsDependentsRunAndTheWorkflowSucceed() {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: A, template: no, continueOn: {failed: true}}
                    - {name: B, dependencies: [A], template: ok}
                - name: ok
                  container: {image: busybox, command: [echo, hi]}
                - name: no
                  container: {image: busybox, command: [sh, -c, exit 1]}
                """;
        RunResult result = run(yaml, new ScriptedRuntime(
                r -> r.template().name().equals("no") ? Outcome.fail(10, 1) : Outcome.ok(10)));
        assertThat(phaseOf(result, "A")).isEqualTo(NodePhase.FAILED);
        assertThat(phaseOf(result, "B")).isEqualTo(NodePhase.SUCCEEDED);
        assertThat(result.phase()).isEqualTo(NodePhase.SUCCEEDED);
    }

    @Test
    void withoutContinueOnADependentOfAFailureIsOmittedAndTheWorkflowFails() {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: A, template: no}
                    - {name: B, dependencies: [A], template: ok}
                - name: ok
                  container: {image: busybox, command: [echo, hi]}
                - name: no
                  container: {image: busybox, command: [sh, -c, exit 1]}
                """;
        RunResult result = run(yaml, new ScriptedRuntime(
                r -> r.template().name().equals("no") ? Outcome.fail(10, 1) : Outcome.ok(10)));
        assertThat(phaseOf(result, "B")).isEqualTo(NodePhase.OMITTED);
        assertThat(result.phase()).isEqualTo(NodePhase.FAILED);
        assertThat(result.message()).contains("A").contains("failed");
    }

    @Test
    void retriesUntilSuccessEachAttemptItsOwnNode() {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: flaky, template: flaky}
                - name: flaky
                  retryStrategy: {limit: "3", backoff: {duration: "10ms", factor: "2"}}
                  container: {image: busybox, command: [sh, -c, "exit $((RANDOM % 2))"]}
                """;
        ScriptedRuntime runtime = new ScriptedRuntime(r -> r.attempt() < 2 ? Outcome.fail(5, 1) : Outcome.ok(5));
        RunResult result = run(yaml, runtime);
        assertThat(result.phase()).isEqualTo(NodePhase.SUCCEEDED);
        assertThat(runtime.started()).containsExactly("flaky(0)", "flaky(1)", "flaky(2)");
        assertThat(phaseOf(result, "flaky(1)")).isEqualTo(NodePhase.FAILED);
        assertThat(phaseOf(result, "flaky")).isEqualTo(NodePhase.SUCCEEDED);
        assertThat(result.nodes().stream().filter(n -> n.name().equals("flaky")).findFirst().orElseThrow().type())
                .isEqualTo(NodeType.RETRIES);
    }

    @Test
    void retriesStopAtTheLimit() {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: bad, template: bad}
                - name: bad
                  retryStrategy: {limit: 2}
                  container: {image: busybox, command: [false]}
                """;
        ScriptedRuntime runtime = new ScriptedRuntime(r -> Outcome.fail(1, 1));
        RunResult result = run(yaml, runtime);
        assertThat(runtime.started()).hasSize(3);
        assertThat(result.phase()).isEqualTo(NodePhase.FAILED);
    }

    @Test
    void onFailurePolicyDoesNotRetryErrors() {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag: {tasks: [{name: bad, template: bad}]}
                - name: bad
                  retryStrategy: {limit: 2}
                  container: {image: busybox, command: [false]}
                """;
        ScriptedRuntime runtime = new ScriptedRuntime(
                r -> new Outcome(1, io.onepanel.workflow.runtime.TaskResult.error("input artifact missing")));
        RunResult result = run(yaml, runtime);
        assertThat(runtime.started()).hasSize(1);
        assertThat(result.phase()).isEqualTo(NodePhase.ERROR);
    }

    @Test
    void loopsExpandIntoParallelTasksNamedAsArgoNamesThem() {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: items, template: echo, withItems: [a, b, c], arguments: {parameters: [{name: m, value: "{{item}}"}]}}
                    - name: maps
                      template: echo
                      withItems: [{os: debian, v: "9"}, {os: ubuntu, v: "20"}]
                      arguments: {parameters: [{name: m, value: "{{item.os}}-{{item.v}}"}]}
                    - {name: seq, template: echo, withSequence: {count: "3", start: "5"}, arguments: {parameters: [{name: m, value: "{{item}}"}]}}
                    - {name: after, depends: items && maps && seq, template: echo, arguments: {parameters: [{name: m, value: z}]}}
                - name: echo
                  inputs: {parameters: [{name: m}]}
                  container: {image: alpine, command: [echo, "{{inputs.parameters.m}}"]}
                """;
        // Each item runs 1 s, so that all eight overlap even on a loaded build machine (30 ms did not).
        ScriptedRuntime runtime = new ScriptedRuntime(r -> Outcome.ok(1000));
        RunResult result = run(yaml, runtime);
        assertThat(result.phase()).isEqualTo(NodePhase.SUCCEEDED);
        assertThat(runtime.started()).contains("items(0:a)", "items(1:b)", "items(2:c)", "maps(0:os:debian,v:9)",
                "maps(1:os:ubuntu,v:20)", "seq(0:5)", "seq(1:6)", "seq(2:7)");
        assertThat(runtime.started().get(runtime.started().size() - 1)).isEqualTo("after");
        assertThat(runtime.maxRunning()).isEqualTo(8);
        assertThat(runtime.events().stream().filter(e -> e.task().equals("maps(1:os:ubuntu,v:20)")).findFirst()
                .orElseThrow().request().template().container().getCommand()).containsExactly("echo", "ubuntu-20");
    }

    @Test
    void withParamFansOutOverAPreviousTasksResultAndAggregatesOutputs() {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: gen, template: gen}
                    - {name: fan, depends: gen, template: echo, withParam: "{{tasks.gen.outputs.result}}", arguments: {parameters: [{name: m, value: "{{item}}"}]}}
                    - {name: sum, depends: fan, template: echo, arguments: {parameters: [{name: m, value: "{{tasks.fan.outputs.parameters.out}}"}]}}
                - name: gen
                  script: {image: python, command: [python], source: "print('[1, 2, 3]')"}
                - name: echo
                  inputs: {parameters: [{name: m}]}
                  outputs: {parameters: [{name: out, valueFrom: {path: /tmp/out}}]}
                  container: {image: alpine, command: [echo, "{{inputs.parameters.m}}"]}
                """;
        ScriptedRuntime runtime = new ScriptedRuntime(r -> r.taskName().equals("gen")
                ? Outcome.ok(5, "[1, 2, 3]", Map.of())
                : Outcome.ok(5, null, Map.of("out", "x" + r.template().container().getCommand().get(1))));
        RunResult result = run(yaml, runtime);
        assertThat(result.phase()).isEqualTo(NodePhase.SUCCEEDED);
        assertThat(runtime.started()).contains("fan(0:1)", "fan(1:2)", "fan(2:3)");
        List<String> sumCommand = runtime.events().stream().filter(e -> e.task().equals("sum")).findFirst()
                .orElseThrow().request().template().container().getCommand();
        assertThat(sumCommand.get(1)).contains("x1").contains("x2").contains("x3").startsWith("[");
    }

    @Test
    void whenFalseSkipsAndDependentsStillRun() {
        String yaml = """
                entrypoint: main
                arguments: {parameters: [{name: go, value: "no"}]}
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: flip, template: flip}
                    - {name: heads, depends: flip, template: t, when: "{{tasks.flip.outputs.result}} == heads"}
                    - {name: tails, depends: flip, template: t, when: "{{tasks.flip.outputs.result}} == tails"}
                    - {name: gated, template: t, when: "{{workflow.parameters.go}} == yes"}
                    - {name: last, depends: heads && tails, template: t}
                - name: flip
                  script: {image: python, command: [python], source: "print('tails')"}
                - name: t
                  container: {image: alpine, command: [echo]}
                """;
        ScriptedRuntime runtime = new ScriptedRuntime(r -> Outcome.ok(5, r.taskName().equals("flip") ? "tails" : null,
                Map.of()));
        RunResult result = run(yaml, runtime);
        assertThat(phaseOf(result, "heads")).isEqualTo(NodePhase.SKIPPED);
        assertThat(phaseOf(result, "tails")).isEqualTo(NodePhase.SUCCEEDED);
        assertThat(phaseOf(result, "gated")).isEqualTo(NodePhase.SKIPPED);
        assertThat(phaseOf(result, "last")).isEqualTo(NodePhase.SUCCEEDED);
        assertThat(result.phase()).isEqualTo(NodePhase.SUCCEEDED);
    }

    @Test
    void nestedDagsRunInsideTheirTaskAndPassOutputsUp() {
        String yaml = """
                entrypoint: outer
                templates:
                - name: outer
                  dag:
                    tasks:
                    - {name: inner, template: inner, arguments: {parameters: [{name: x, value: hello}]}}
                    - {name: use, depends: inner, template: echo, arguments: {parameters: [{name: m, value: "{{tasks.inner.outputs.parameters.out}}"}]}}
                - name: inner
                  inputs: {parameters: [{name: x}]}
                  outputs: {parameters: [{name: out, valueFrom: {parameter: "{{tasks.one.outputs.result}}"}}]}
                  dag:
                    tasks:
                    - {name: one, template: echo, arguments: {parameters: [{name: m, value: "{{inputs.parameters.x}}"}]}}
                - name: echo
                  inputs: {parameters: [{name: m}]}
                  container: {image: alpine, command: [echo, "{{inputs.parameters.m}}"]}
                """;
        ScriptedRuntime runtime = new ScriptedRuntime(
                r -> Outcome.ok(5, r.template().container().getCommand().get(1), Map.of()));
        RunResult result = run(yaml, runtime);
        assertThat(result.phase()).isEqualTo(NodePhase.SUCCEEDED);
        assertThat(runtime.started()).containsExactly("one", "use");
        assertThat(runtime.events().stream().filter(e -> e.task().equals("use")).findFirst().orElseThrow()
                .request().template().container().getCommand()).containsExactly("echo", "hello");
    }

    @Test
    void exitHandlerRunsAfterTheDagWithItsStatus() {
        String yaml = """
                entrypoint: main
                onExit: exit
                templates:
                - name: main
                  dag: {tasks: [{name: work, template: no}]}
                - name: exit
                  dag: {tasks: [{name: report, template: echo, arguments: {parameters: [{name: m, value: "{{workflow.status}}"}]}}]}
                - name: no
                  container: {image: busybox, command: [false]}
                - name: echo
                  inputs: {parameters: [{name: m}]}
                  container: {image: alpine, command: [echo, "{{inputs.parameters.m}}"]}
                """;
        ScriptedRuntime runtime = new ScriptedRuntime(
                r -> r.template().name().equals("no") ? Outcome.fail(5, 1) : Outcome.ok(5));
        RunResult result = run(yaml, runtime);
        assertThat(runtime.started()).containsExactly("work", "report");
        assertThat(runtime.events().stream().filter(e -> e.task().equals("report")).findFirst().orElseThrow()
                .request().template().container().getCommand()).containsExactly("echo", "Failed");
        assertThat(result.phase()).isEqualTo(NodePhase.FAILED);
    }

    @Test
    void targetRunsOnlyTheTargetAndWhatItNeeds() {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    target: E
                    tasks:
                    - {name: A, template: t}
                    - {name: B, depends: A, template: t}
                    - {name: C, depends: A, template: t}
                    - {name: D, depends: B, template: t}
                    - {name: E, depends: C, template: t}
                - name: t
                  container: {image: alpine, command: [true]}
                """;
        ScriptedRuntime runtime = new ScriptedRuntime(r -> Outcome.ok(1));
        RunResult result = run(yaml, runtime);
        assertThat(runtime.started()).containsExactly("A", "C", "E");
        assertThat(result.phase()).isEqualTo(NodePhase.SUCCEEDED);
    }

    @Test
    void parallelismCapsHowManyTasksRunAtOnce() {
        String yaml = """
                entrypoint: main
                parallelism: 2
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: w, template: t, withSequence: {count: "6"}}
                - name: t
                  container: {image: alpine, command: [true]}
                """;
        ScriptedRuntime runtime = new ScriptedRuntime(r -> Outcome.ok(30));
        RunResult result = run(yaml, runtime);
        assertThat(result.phase()).isEqualTo(NodePhase.SUCCEEDED);
        assertThat(runtime.started()).hasSize(6);
        assertThat(runtime.maxRunning()).isEqualTo(2);
    }

    @Test
    void dagParallelismCapsItsOwnTasks() {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  parallelism: 3
                  dag:
                    tasks:
                    - {name: w, template: t, withSequence: {count: "7"}}
                - name: t
                  container: {image: alpine, command: [true]}
                """;
        ScriptedRuntime runtime = new ScriptedRuntime(r -> Outcome.ok(30));
        run(yaml, runtime);
        assertThat(runtime.maxRunning()).isEqualTo(3);
    }

    @Test
    void cancellingStopsRunningTasksAndStartsNothingNew() throws Exception {
        ScriptedRuntime runtime = new ScriptedRuntime(r -> Outcome.ok(r.taskName().equals("A") ? 60_000 : 1));
        WorkflowEngine engine = Runs.engine(runtime);
        LoadResult loaded = engine.load("d.yaml", DIAMOND);
        WorkflowRun run = engine.start(loaded.workflow(), RunOptions.withParameters(Map.of()), RunListener.NONE);
        for (int i = 0; i < 2000 && runtime.started().isEmpty(); i++) {
            Thread.sleep(5);
        }
        assertThat(runtime.started()).as("A started").containsExactly("A");
        run.cancel("stopped by test");
        RunResult result = run.completion().get(10, TimeUnit.SECONDS);
        assertThat(result.phase()).isEqualTo(NodePhase.FAILED);
        assertThat(result.message()).isEqualTo("stopped by test");
        assertThat(runtime.started()).containsExactly("A");
    }

    @Test
    void outputParametersAndGlobalOutputsReachTheResult() {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  outputs: {parameters: [{name: final, valueFrom: {parameter: "{{tasks.a.outputs.parameters.p}}"}}]}
                  dag: {tasks: [{name: a, template: t}]}
                - name: t
                  outputs: {parameters: [{name: p, globalName: shared, valueFrom: {path: /tmp/p}}]}
                  container: {image: alpine, command: [true]}
                """;
        RunResult result = run(yaml, new ScriptedRuntime(r -> Outcome.ok(1, null, Map.of("p", "42"))));
        assertThat(result.outputs()).containsEntry("final", "42").containsEntry("shared", "42");
    }

    @Test
    void aMissingInputParameterIsAnErrorOfThatNodeNotACrash() {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag: {tasks: [{name: a, template: t, arguments: {parameters: [{name: m, value: "{{workflow.parameters.x}}"}]}}]}
                - name: t
                  inputs: {parameters: [{name: m, enum: [one, two]}]}
                  container: {image: alpine, command: [echo, "{{inputs.parameters.m}}"]}
                arguments: {parameters: [{name: x, value: three}]}
                """;
        RunResult result = run(yaml, new ScriptedRuntime(r -> Outcome.ok(1)));
        assertThat(result.phase()).isEqualTo(NodePhase.ERROR);
        assertThat(result.nodes().stream().filter(n -> n.name().equals("a")).findFirst().orElseThrow().message())
                .contains("not one of [one, two]");
    }
}
