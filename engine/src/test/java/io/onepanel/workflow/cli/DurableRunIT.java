package io.onepanel.workflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.journal.RecordedRun;
import io.onepanel.workflow.runtime.local.NeedsNamespaces;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's runs survive their process: a run killed with SIGKILL is finished by
 * {@code resume} with each task that had succeeded run exactly once, and a failed run is finished
 * by {@code retry}, which reruns only the failed task and what follows it, with the outputs
 * (parameter and artifact) of the first run. Real processes: the shaded jar, and tasks that append
 * to a counter file on the host to prove how often they ran.
 */
@NeedsNamespaces
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard only
class DurableRunIT {

    @TempDir
    Path temp;

    private Path counter() {
        return temp.resolve("counter");
    }

    private List<String> counted() throws IOException {
        return Files.exists(counter()) ? Files.readAllLines(counter()) : List.of();
    }

    /** The shaded jar with the run's directories under the test's; the tasks see the test's directory. */
    private ProcessBuilder cli(String... args) {
        Path jar = Path.of("target", "onepanel-workflow.jar").toAbsolutePath();
        assertThat(jar).as("the shaded jar, built by the package phase").isRegularFile();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--runs", temp.resolve("runs").toString()));
        // The directory a run starts from stays visible to its tasks, /tmp or not: the counter lives there.
        return new ProcessBuilder(command).directory(temp.toFile());
    }

    private String[] runArgs(Path template, String name) {
        return new String[] {"run", template.toString(), "--name", name, "--work", temp.resolve("work").toString(),
                "--artifacts", temp.resolve("artifacts").toString()};
    }

    private static String run(ProcessBuilder builder, Path output) throws Exception {
        Process p = builder.redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("the command ends").isTrue();
        return p.exitValue() + "\n" + Files.readString(output);
    }

    private static void await(Path runDir, Predicate<RecordedRun> condition, Process p, Path output)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!(Files.exists(runDir.resolve("journal.jsonl")) && condition.test(RecordedRun.read(runDir)))) {
            assertThat(p.isAlive()).as("the run is still going; its output: %s", Files.readString(output)).isTrue();
            assertThat(System.nanoTime()).as("waited 120 s; output: %s", Files.readString(output))
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static boolean is(RecordedRun run, String task, NodePhase phase) {
        return run.nodes().stream().anyMatch(n -> n.name().equals(task) && n.phase() == phase);
    }

    @Test
    void aRunKilledWithSigkillIsFinishedByResumeAndNothingThatSucceededRunsTwice() throws Exception {
        Path template = temp.resolve("diamond.yaml");
        Files.writeString(template, """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: A, template: step, arguments: {parameters: [{name: n, value: A}]}}
                    - {name: B, depends: A, template: step, arguments: {parameters: [{name: n, value: B}]}}
                    - {name: C, depends: A, template: slow}
                    - {name: D, depends: B && C, template: step, arguments: {parameters: [{name: n, value: D}]}}
                - name: step
                  inputs: {parameters: [{name: n}]}
                  container: {image: alpine, command: [sh, -c, "echo {{inputs.parameters.n}} >> %1$s"]}
                - name: slow
                  container:
                    image: alpine
                    command: [sh, -c, "echo C-start >> %1$s; if [ ! -e %2$s ]; then touch %2$s; sleep 600; fi; echo C >> %1$s"]
                """.formatted(counter(), temp.resolve("slept")));
        Path firstOutput = temp.resolve("first.txt");
        Process first = cli(runArgs(template, "durable-1")).redirectErrorStream(true)
                .redirectOutput(firstOutput.toFile()).start();
        Path runDir = temp.resolve("runs/durable-1");
        try {
            await(runDir, j -> is(j, "B", NodePhase.SUCCEEDED) && is(j, "C", NodePhase.RUNNING), first, firstOutput);
            while (!counted().contains("C-start")) {
                Thread.sleep(20);
            }

            String refused = run(cli("resume", "durable-1"), temp.resolve("refused.txt"));
            assertThat(refused).startsWith("2\n").contains("onepanel-workflow: run durable-1 is still running (process "
                    + first.pid() + " holds ");
        } finally {
            first.destroyForcibly(); // SIGKILL: nothing of the command can clean up or write
            first.waitFor();
        }
        assertThat(RecordedRun.read(runDir).ended()).isFalse();

        String resumed = run(cli("resume", "durable-1"), temp.resolve("resumed.txt"));

        assertThat(resumed).startsWith("0\n").contains("Resuming durable-1: 2 tasks had ended and keep their results,"
                + " 1 was running and run again", "Workflow durable-1 Succeeded");
        assertThat(counted()).containsExactlyInAnyOrder("A", "B", "C-start", "C-start", "C", "D");
        assertThat(counted().indexOf("D")).isEqualTo(counted().size() - 1);
        RecordedRun finished = RecordedRun.read(runDir);
        assertThat(finished.result().orElseThrow().phase()).isEqualTo(NodePhase.SUCCEEDED);
        assertThat(finished.resumes()).isEqualTo(1);
    }

    @Test
    void retryOfAFailedDiamondRerunsOnlyTheFailedTaskAndWhatFollowsWithTheEarlierOutputs() throws Exception {
        Path template = temp.resolve("diamond.yaml");
        Files.writeString(template, """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: A, template: make}
                    - {name: B, depends: A, template: echo,
                       arguments: {parameters: [{name: m, value: "{{tasks.A.outputs.parameters.p}}"}]}}
                    - {name: C, depends: A, template: flaky}
                    - name: D
                      depends: B && C
                      template: use
                      arguments:
                        parameters: [{name: m, value: "{{tasks.B.outputs.result}}"}]
                        artifacts: [{name: model, from: "{{tasks.A.outputs.artifacts.model}}"}]
                - name: make
                  outputs:
                    parameters: [{name: p, valueFrom: {path: /tmp/p}}]
                    artifacts: [{name: model, path: /tmp/model}]
                  container: {image: alpine, command: [sh, -c, "echo A >> %1$s; echo from-A > /tmp/p; echo weights > /tmp/model"]}
                - name: echo
                  inputs: {parameters: [{name: m}]}
                  container: {image: alpine, command: [sh, -c, "echo B >> %1$s; echo B got {{inputs.parameters.m}}"]}
                - name: flaky
                  container: {image: alpine, command: [sh, -c, "echo C >> %1$s; if [ ! -e %2$s ]; then touch %2$s; exit 1; fi"]}
                - name: use
                  inputs:
                    parameters: [{name: m}]
                    artifacts: [{name: model, path: /in/model}]
                  container: {image: alpine, command: [sh, -c, "echo D >> %1$s; echo \\"D: {{inputs.parameters.m}} $(cat /in/model)\\""]}
                """.formatted(counter(), temp.resolve("failed-once")));
        String failed = run(cli(runArgs(template, "diamond-1")), temp.resolve("first.txt"));
        assertThat(failed).startsWith("1\n").contains("Rerun its failed tasks, keeping what succeeded: "
                + "onepanel-workflow retry diamond-1 --runs " + temp.resolve("runs"));
        assertThat(counted()).containsExactlyInAnyOrder("A", "B", "C");

        Path json = temp.resolve("retry.json");
        Process retry = cli("retry", "diamond-1", "--name", "diamond-2", "--output", "json")
                .redirectOutput(json.toFile()).redirectError(temp.resolve("retry-err.txt").toFile()).start();
        assertThat(retry.waitFor(180, TimeUnit.SECONDS)).isTrue();

        String err = Files.readString(temp.resolve("retry-err.txt"));
        assertThat(retry.exitValue()).as(err).isZero();
        assertThat(counted()).containsExactlyInAnyOrder("A", "B", "C", "C", "D");
        JsonNode result = new ObjectMapper().readTree(Files.readString(json, StandardCharsets.UTF_8));
        assertThat(result.path("phase").asText()).isEqualTo("Succeeded");
        assertThat(node(result, "A").path("reusedFrom").asText()).isEqualTo("diamond-1");
        assertThat(node(result, "B").path("reusedFrom").asText()).isEqualTo("diamond-1");
        assertThat(node(result, "C").path("reusedFrom").isNull()).isTrue();
        assertThat(node(result, "D").path("result").asText()).isEqualTo("D: B got from-A weights");
        // D read the object A stored in the first run: the retry stored no model of its own.
        try (Stream<Path> files = Files.walk(temp.resolve("artifacts"))) {
            assertThat(files.filter(f -> f.getFileName().toString().equals("model")).map(Path::toString).toList())
                    .singleElement().asString().contains("/diamond-1/diamond-1-a-");
        }
        assertThat(RecordedRun.read(temp.resolve("runs/diamond-2")).header().retryOf()).isEqualTo("diamond-1");
    }

    private static JsonNode node(JsonNode result, String name) {
        for (JsonNode n : result.path("nodes")) {
            if (n.path("name").asText().equals(name)) {
                return n;
            }
        }
        throw new AssertionError("no node " + name + " in " + result);
    }
}
