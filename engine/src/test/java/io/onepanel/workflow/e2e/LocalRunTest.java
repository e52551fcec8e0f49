package io.onepanel.workflow.e2e;

import static io.onepanel.workflow.e2e.LocalEngine.describe;
import static io.onepanel.workflow.e2e.LocalEngine.node;
import static io.onepanel.workflow.e2e.LocalEngine.phase;
import static io.onepanel.workflow.engine.NodePhase.FAILED;
import static io.onepanel.workflow.engine.NodePhase.OMITTED;
import static io.onepanel.workflow.engine.NodePhase.SKIPPED;
import static io.onepanel.workflow.engine.NodePhase.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.NodeType;
import io.onepanel.workflow.engine.RunListener;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.engine.WorkflowRun;
import io.onepanel.workflow.runtime.local.NeedsNamespaces;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole workflows on the local runtime with real processes. Each attempt has a private /tmp, so
 * tasks that must see each other's files use {@link #shared}, a directory under target/.
 */
@NeedsNamespaces
class LocalRunTest {

    @TempDir
    Path temp;

    Path shared;
    LocalEngine local;

    @BeforeEach
    void start() throws IOException {
        local = new LocalEngine(temp);
        shared = Files.createTempDirectory(Files.createDirectories(Path.of("target", "e2e").toAbsolutePath()), "run-");
    }

    @AfterEach
    void stop() throws IOException {
        local.close();
        try (Stream<Path> files = Files.walk(shared)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    private static List<NodeStatus> pods(RunResult r) {
        return r.nodes().stream().filter(n -> n.type() == NodeType.POD).toList();
    }

    /**
     * An output directory does not exist before the task runs, as in a container: a task may make
     * it itself (Argo's map-reduce does {@code os.mkdir}), and nothing appears on this machine.
     */
    @Test
    void aTaskCreatesItsOwnOutputDirectoryAndNothingIsLeftOnTheMachine() throws Exception {
        Path out = shared.resolve("made-by-task");
        RunResult r = local.run("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: make, template: make}
                    - {name: read, depends: make, template: read, arguments: {artifacts: [{name: in, from: "{{tasks.make.outputs.artifacts.out}}"}]}}
                - name: make
                  container: {image: busybox, command: [sh, -c, "mkdir %1$s && echo made > %1$s/file"]}
                  outputs: {artifacts: [{name: out, path: %1$s}]}
                - name: read
                  inputs: {artifacts: [{name: in, path: /tmp/in}]}
                  container: {image: busybox, command: [cat, /tmp/in/file]}
                """.formatted(out));
        assertThat(r.phase()).as(describe(r) + local.logs).isEqualTo(NodePhase.SUCCEEDED);
        assertThat(node(r, "read").result()).isEqualTo("made");
        assertThat(out).doesNotExist();
    }

    /** The Onepanel docs' diamond, with B and C each waiting (at most 60 s) to see the other started. */
    @Test
    void diamondRunsAThenBAndCTogetherThenD() throws Exception {
        RunResult r = local.run("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: A, template: meet, arguments: {parameters: [{name: me, value: A}, {name: other, value: A}]}}
                    - {name: B, dependencies: [A], template: meet, arguments: {parameters: [{name: me, value: B}, {name: other, value: C}]}}
                    - {name: C, dependencies: [A], template: meet, arguments: {parameters: [{name: me, value: C}, {name: other, value: B}]}}
                    - {name: D, dependencies: [B, C], template: meet, arguments: {parameters: [{name: me, value: D}, {name: other, value: D}]}}
                - name: meet
                  inputs: {parameters: [{name: me}, {name: other}]}
                  container:
                    image: alpine
                    command: [sh, -c]
                    args:
                    - |
                      touch %1$s/{{inputs.parameters.me}}
                      i=0; while [ ! -e %1$s/{{inputs.parameters.other}} ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done
                      [ -e %1$s/{{inputs.parameters.other}} ] && echo {{inputs.parameters.me}}
                """.formatted(shared));
        assertThat(r.phase()).as(describe(r)).isEqualTo(SUCCEEDED);
        assertThat(pods(r)).extracting(NodeStatus::result).containsExactlyInAnyOrder("A", "B", "C", "D");
        NodeStatus a = node(r, "A");
        NodeStatus b = node(r, "B");
        NodeStatus c = node(r, "C");
        NodeStatus d = node(r, "D");
        assertThat(b.startedAt()).isAfterOrEqualTo(a.finishedAt());
        assertThat(c.startedAt()).isAfterOrEqualTo(a.finishedAt());
        assertThat(b.startedAt()).as("B and C overlap").isBefore(c.finishedAt());
        assertThat(c.startedAt()).as("B and C overlap").isBefore(b.finishedAt());
        assertThat(d.startedAt()).isAfterOrEqualTo(b.finishedAt()).isAfterOrEqualTo(c.finishedAt());
    }

    @Test
    void loopsFanOutOverItemsMapsSequencesAndAPreviousResult() throws Exception {
        RunResult r = local.run("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: maps
                      template: echo
                      arguments: {parameters: [{name: m, value: "{{item.os}}-{{item.v}}"}]}
                      withItems: [{os: debian, v: 12}, {os: alpine, v: 3}]
                    - name: seq
                      template: echo
                      arguments: {parameters: [{name: m, value: "n{{item}}"}]}
                      withSequence: {start: "2", end: "4", format: "%02d"}
                    - name: list
                      template: list
                    - name: each
                      depends: list
                      template: echo
                      arguments: {parameters: [{name: m, value: "got {{item}}"}]}
                      withParam: "{{tasks.list.outputs.result}}"
                    - name: after
                      depends: each && maps && seq
                      template: echo
                      arguments: {parameters: [{name: m, value: done}]}
                - name: list
                  script:
                    image: python:3
                    command: [python3]
                    source: |
                      import json
                      print(json.dumps(["x", "y", "z"]))
                - name: echo
                  inputs: {parameters: [{name: m}]}
                  container: {image: alpine, command: [echo, "{{inputs.parameters.m}}"]}
                """);
        assertThat(r.phase()).as(describe(r)).isEqualTo(SUCCEEDED);
        assertThat(pods(r)).extracting(NodeStatus::result).containsExactlyInAnyOrder(
                "debian-12", "alpine-3", "n02", "n03", "n04", "[\"x\", \"y\", \"z\"]", "got x", "got y", "got z", "done");
    }

    @Test
    void conditionalsSkipOnWhenAndEnhancedDependsOmit() throws Exception {
        RunResult r = local.run("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: roll, template: roll}
                    - {name: big, depends: roll, template: ok, when: "{{tasks.roll.outputs.result}} > 5"}
                    - {name: small, depends: roll, template: ok, when: "{{tasks.roll.outputs.result}} <= 5"}
                    - {name: named, depends: roll, template: ok, when: "'{{tasks.roll.outputs.result}}' =~ '^[0-9]+$'"}
                    - {name: boom, template: fail}
                    - {name: on-failure, depends: boom.Failed, template: ok}
                    - {name: on-success, depends: boom.Succeeded, template: ok}
                    - {name: either, depends: "(big || small) && !on-success", template: ok}
                - name: roll
                  script: {image: python:3, command: [python3], source: "print(7)"}
                - name: ok
                  container: {image: alpine, command: [sh, -c, "exit 0"]}
                - name: fail
                  container: {image: alpine, command: [sh, -c, "exit 3"]}
                """);
        assertThat(phase(r, "big")).as(describe(r)).isEqualTo(SUCCEEDED);
        assertThat(phase(r, "small")).isEqualTo(SKIPPED);
        assertThat(phase(r, "named")).isEqualTo(SUCCEEDED);
        assertThat(phase(r, "boom")).isEqualTo(FAILED);
        assertThat(node(r, "boom").exitCode()).isEqualTo(3);
        assertThat(phase(r, "on-failure")).isEqualTo(SUCCEEDED);
        assertThat(phase(r, "on-success")).isEqualTo(OMITTED);
        assertThat(phase(r, "either")).isEqualTo(SUCCEEDED);
        // boom's failure is handled by on-failure's depends, as in dag-enhanced-depends
        assertThat(r.phase()).as(describe(r)).isEqualTo(SUCCEEDED);
    }

    @Test
    void retriesUntilTheThirdAttemptSucceeds() throws Exception {
        RunResult r = local.run("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: flaky, template: flaky}
                - name: flaky
                  retryStrategy: {limit: 3, retryPolicy: Always, backoff: {duration: "0"}}
                  script:
                    image: alpine
                    command: [sh]
                    source: |
                      n=$(cat %1$s/count 2>/dev/null || echo 0); n=$((n+1)); echo $n > %1$s/count
                      echo attempt $n
                      [ $n -ge 3 ]
                """.formatted(shared));
        assertThat(r.phase()).as(describe(r)).isEqualTo(SUCCEEDED);
        assertThat(phase(r, "flaky")).isEqualTo(SUCCEEDED);
        List<NodeStatus> attempts = pods(r);
        assertThat(attempts).as(describe(r)).extracting(NodeStatus::phase).containsExactly(FAILED, FAILED, SUCCEEDED);
        assertThat(attempts).extracting(NodeStatus::result).containsExactly("attempt 1", "attempt 2", "attempt 3");
        assertThat(Files.readString(shared.resolve("count")).trim()).isEqualTo("3");
    }

    private static final String FAIL_FAST = """
            entrypoint: main
            templates:
            - name: main
              dag:
                %2$s
                tasks:
                - {name: A, template: fail}
                - {name: B, template: slow}
                - {name: C, depends: B, template: ok}
            - name: fail
              container: {image: alpine, command: [sh, -c, "touch %1$s/A-done; exit 1"]}
            - name: slow
              container:
                image: alpine
                command: [sh, -c]
                args: ["i=0; while [ ! -e %1$s/A-done ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; sleep 1"]
            - name: ok
              container: {image: alpine, command: [echo, C]}
            """;

    /** Argo's failFast: tasks whose dependencies resolve still start; the DAG fails. */
    @Test
    void failFastOnStillRunsTasksWhoseDependenciesResolveAndFailsTheDag() throws Exception {
        RunResult r = local.run(FAIL_FAST.formatted(shared, "failFast: true"));
        assertThat(r.phase()).as(describe(r)).isEqualTo(FAILED);
        assertThat(phase(r, "A")).isEqualTo(FAILED);
        assertThat(phase(r, "B")).isEqualTo(SUCCEEDED);
        assertThat(phase(r, "C")).isEqualTo(SUCCEEDED);
        assertThat(node(r, "C").startedAt()).isAfter(node(r, "A").finishedAt());
    }

    @Test
    void failFastOffRunsEveryBranchAndFailsTheDag() throws Exception {
        RunResult r = local.run(FAIL_FAST.formatted(shared, "failFast: false"));
        assertThat(r.phase()).as(describe(r)).isEqualTo(FAILED);
        assertThat(phase(r, "A")).isEqualTo(FAILED);
        assertThat(phase(r, "C")).isEqualTo(SUCCEEDED);
    }

    @Test
    void continueOnFailedLetsDependentsRunAndTheWorkflowSucceed() throws Exception {
        RunResult r = local.run("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: A, template: fail, continueOn: {failed: true}}
                    - {name: B, dependencies: [A], template: ok}
                - name: fail
                  container: {image: alpine, command: [sh, -c, "exit 2"]}
                - name: ok
                  container: {image: alpine, command: [echo, B ran]}
                """);
        assertThat(r.phase()).as(describe(r)).isEqualTo(SUCCEEDED);
        assertThat(phase(r, "A")).isEqualTo(FAILED);
        assertThat(node(r, "B").result()).isEqualTo("B ran");
    }

    private static final String EXIT_HANDLER = """
            entrypoint: main
            onExit: exit-handler
            templates:
            - name: main
              dag:
                tasks:
                - {name: work, template: work}
            - name: work
              container: {image: alpine, command: [sh, -c, "exit %s"]}
            - name: exit-handler
              dag:
                tasks:
                - {name: report, template: report}
            - name: report
              container: {image: alpine, command: [echo, "status={{workflow.status}}"]}
            """;

    @Test
    void exitHandlerSeesTheWorkflowStatus() throws Exception {
        RunResult failed = local.run(EXIT_HANDLER.formatted(1));
        assertThat(failed.phase()).as(describe(failed)).isEqualTo(FAILED);
        assertThat(node(failed, "report").result()).as(describe(failed)).isEqualTo("status=Failed");

        RunResult ok = local.run(EXIT_HANDLER.formatted(0));
        assertThat(ok.phase()).as(describe(ok)).isEqualTo(SUCCEEDED);
        assertThat(node(ok, "report").result()).as(describe(ok)).isEqualTo("status=Succeeded");
    }

    @Test
    void nestedDagsPassParametersInAndOut() throws Exception {
        RunResult r = local.run("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: inner, template: inner, arguments: {parameters: [{name: word, value: hello}]}}
                    - {name: use, depends: inner, template: echo, arguments: {parameters: [{name: m, value: "outer got {{tasks.inner.outputs.parameters.shout}}"}]}}
                - name: inner
                  inputs: {parameters: [{name: word}]}
                  outputs:
                    parameters:
                    - {name: shout, valueFrom: {parameter: "{{tasks.upper.outputs.result}}"}}
                  dag:
                    tasks:
                    - {name: upper, template: upper, arguments: {parameters: [{name: m, value: "{{inputs.parameters.word}}"}]}}
                - name: upper
                  inputs: {parameters: [{name: m}]}
                  container: {image: alpine, command: [sh, -c, "echo {{inputs.parameters.m}} | tr a-z A-Z"]}
                - name: echo
                  inputs: {parameters: [{name: m}]}
                  container: {image: alpine, command: [echo, "{{inputs.parameters.m}}"]}
                """);
        assertThat(r.phase()).as(describe(r)).isEqualTo(SUCCEEDED);
        assertThat(node(r, "inner").type()).isEqualTo(NodeType.DAG);
        assertThat(node(r, "use").result()).isEqualTo("outer got HELLO");
    }

    @Test
    void parametersPassThroughResultAndOutputFiles() throws Exception {
        RunResult r = local.run("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: produce, template: produce}
                    - name: consume
                      depends: produce
                      template: echo
                      arguments:
                        parameters:
                        - {name: m, value: "{{tasks.produce.outputs.result}}/{{tasks.produce.outputs.parameters.file}}"}
                - name: produce
                  outputs:
                    parameters:
                    - {name: file, valueFrom: {path: /tmp/out/value.txt}}
                  container:
                    image: alpine
                    command: [sh, -c, "mkdir -p /tmp/out && printf 'from-file\\n' > /tmp/out/value.txt && echo from-stdout"]
                - name: echo
                  inputs: {parameters: [{name: m}]}
                  container: {image: alpine, command: [echo, "{{inputs.parameters.m}}"]}
                """);
        assertThat(r.phase()).as(describe(r)).isEqualTo(SUCCEEDED);
        assertThat(node(r, "produce").outputParameters()).containsEntry("file", "from-file");
        assertThat(node(r, "consume").result()).isEqualTo("from-stdout/from-file");
    }

    @Test
    void aDirectoryArtifactIsHandedFromOneTaskToTheNext() throws Exception {
        RunResult r = local.run("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: make, template: make}
                    - name: read
                      dependencies: [make]
                      template: read
                      arguments:
                        artifacts:
                        - {name: data, from: "{{tasks.make.outputs.artifacts.dir}}"}
                - name: make
                  outputs:
                    artifacts:
                    - {name: dir, path: /tmp/dir}
                  container:
                    image: alpine
                    command: [sh, -c, "mkdir -p /tmp/dir/sub && echo one > /tmp/dir/a.txt && echo two > /tmp/dir/sub/b.txt"]
                - name: read
                  inputs:
                    artifacts:
                    - {name: data, path: /mnt/in}
                  container:
                    image: alpine
                    command: [sh, -c, "cat /mnt/in/a.txt /mnt/in/sub/b.txt | tr '\\n' +"]
                """);
        assertThat(r.phase()).as(describe(r) + local.logs).isEqualTo(SUCCEEDED);
        assertThat(node(r, "read").result()).isEqualTo("one+two+");
    }

    @Test
    void cancellingLeavesNoProcessBehind() throws Exception {
        String duration = "1000." + ThreadLocalRandom.current().nextInt(100_000, 999_999);
        WorkflowRun run = local.start(local.valid(local.load("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: nap, template: nap}
                    - {name: after, dependencies: [nap], template: nap}
                - name: nap
                  container: {image: alpine, command: [sh, -c, "sleep %s; echo woke"]}
                """.formatted(duration))), Map.of(), RunListener.NONE);
        for (int i = 0; i < 600 && sleepers(duration).isEmpty(); i++) {
            Thread.sleep(100);
        }
        assertThat(sleepers(duration)).as("sleep %s started", duration).isNotEmpty();

        run.cancel("test");
        RunResult r = run.completion().get(60, TimeUnit.SECONDS);

        assertThat(r.phase()).as(describe(r)).isIn(NodePhase.FAILED, NodePhase.ERROR);
        assertThat(phase(r, "nap")).isEqualTo(FAILED);
        assertThat(node(r, "nap").message()).isEqualTo("cancelled: test");
        assertThat(node(r, "after").type()).as("'after' never got a pod").isEqualTo(NodeType.SKIPPED);
        assertThat(phase(r, "after")).isEqualTo(OMITTED);
        assertThat(sleepers(duration)).as("processes left behind").isEmpty();
    }

    /** Live processes whose command line is {@code sleep <duration>}. */
    private static List<String> sleepers(String duration) throws IOException {
        String wanted = "sleep\0" + duration;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).filter(p -> {
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    return cmdline.startsWith(wanted);
                } catch (IOException e) {
                    return false; // gone meanwhile
                }
            }).map(p -> p.getFileName().toString()).toList();
        }
    }
}
