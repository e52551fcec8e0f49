package io.onepanel.workflow.engine;

import static io.onepanel.workflow.engine.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.engine.ScriptedRuntime.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Argo's lifecycle hooks: {@code exit} runs when its owner ends, a named hook once when its expression holds. */
class LifecycleHooksTest {

    static final String TEMPLATES = """
            - name: work
              container: {image: alpine, command: [work]}
            - name: broken
              container: {image: alpine, command: [broken]}
            - name: notify
              inputs: {parameters: [{name: status}]}
              container: {image: alpine, command: [notify, "{{inputs.parameters.status}}"]}
            """;

    private static List<String> commandOf(ScriptedRuntime runtime, String task) {
        return runtime.events().stream().filter(e -> e.kind().equals("start") && e.task().equals(task)).findFirst()
                .orElseThrow(() -> new AssertionError(task + " never started: " + runtime.started())).request()
                .template().container().getCommand();
    }

    private static ScriptedRuntime runtime() {
        return new ScriptedRuntime(r -> r.template().name().equals("broken") ? Outcome.fail(100, 1)
                : Outcome.ok(r.template().name().equals("work") ? 300 : 10));
    }

    @Test
    void aTasksExitHookRunsWithItsArgumentsWhenTheTaskEndsAndBeforeItsDependents() {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: A
                      template: work
                      hooks:
                        exit:
                          template: notify
                          arguments: {parameters: [{name: status, value: "{{tasks.A.status}}"}]}
                    - {name: B, depends: A, template: work}
                """ + TEMPLATES;
        ScriptedRuntime runtime = runtime();
        RunResult result = run(yaml, runtime);

        assertThat(result.succeeded()).as("%s", result.message()).isTrue();
        assertThat(runtime.started()).containsExactly("A", "A.hooks.exit", "B");
        assertThat(commandOf(runtime, "A.hooks.exit")).containsExactly("notify", "Succeeded");
    }

    @Test
    void aNamedTaskHookRunsOnceWhileItsConditionHoldsAndAnotherNever() {
        String yaml = """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: A
                      template: work
                      hooks:
                        running:
                          expression: tasks.A.status == "Running"
                          template: notify
                          arguments: {parameters: [{name: status, value: running}]}
                        failed:
                          expression: tasks['A'].status == "Failed"
                          template: notify
                          arguments: {parameters: [{name: status, value: failed}]}
                """ + TEMPLATES;
        ScriptedRuntime runtime = runtime();
        RunResult result = run(yaml, runtime);

        assertThat(result.succeeded()).as("%s", result.message()).isTrue();
        assertThat(runtime.started()).containsExactlyInAnyOrder("A", "A.hooks.running");
        assertThat(runtime.index("start", "A.hooks.running")).isLessThan(runtime.index("end", "A"));
    }

    @Test
    void workflowHooksRunWhileRunningAndAsTheExitHandlerWithTheFinalStatus() {
        String yaml = """
                entrypoint: main
                hooks:
                  exit:
                    template: notify
                    arguments: {parameters: [{name: status, value: "{{workflow.status}}"}]}
                  running:
                    expression: workflow.status == "Running"
                    template: notify
                    arguments: {parameters: [{name: status, value: started}]}
                  failed:
                    expression: workflow.status == "Failed"
                    template: notify
                    arguments: {parameters: [{name: status, value: alarm}]}
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: A, template: work}
                    - {name: B, depends: A, template: broken}
                """ + TEMPLATES;
        ScriptedRuntime runtime = runtime();
        RunResult result = run(yaml, runtime);

        assertThat(result.phase()).isEqualTo(NodePhase.FAILED);
        List<String> notes = runtime.events().stream().filter(e -> e.kind().equals("start")
                && e.request().template().name().equals("notify"))
                .map(e -> e.request().template().container().getCommand().get(1)).toList();
        assertThat(notes).containsExactlyInAnyOrder("started", "alarm", "Failed");
        assertThat(notes.get(0)).isEqualTo("started");
    }
}
