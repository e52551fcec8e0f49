package io.onepanel.workflow.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.engine.ScriptedRuntime;
import io.onepanel.workflow.engine.ScriptedRuntime.Outcome;
import io.onepanel.workflow.runtime.TaskPhase;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.template.Artifact;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run rebuilt from its journal is the run: the same nodes, in the same order, with the same states. */
class JournalRebuildTest {

    /** Loops (items and a parameter), a retried task, a skip, an omission, a failure, a nested DAG, an exit handler. */
    static final String EVERYTHING = """
            entrypoint: main
            onExit: bye
            templates:
            - name: main
              dag:
                tasks:
                - {name: A, template: make}
                - {name: fan, depends: A, template: echo, withItems: [a, {k: v}, 3],
                   arguments: {parameters: [{name: m, value: "{{item}}"}]}}
                - {name: each, depends: A, template: echo, withParam: "{{tasks.A.outputs.parameters.list}}",
                   arguments: {parameters: [{name: m, value: "{{item}}"}]}}
                - {name: flaky, depends: A, template: flaky}
                - {name: never, depends: A, template: echo, when: "1 == 2", arguments: {parameters: [{name: m, value: x}]}}
                - {name: broken, depends: A, template: broken}
                - {name: after, depends: broken.Succeeded, template: echo, arguments: {parameters: [{name: m, value: y}]}}
                - {name: nested, depends: A, template: inner}
            - name: inner
              dag: {tasks: [{name: x, template: echo, arguments: {parameters: [{name: m, value: "é ✓ \\n"}]}}]}
            - name: bye
              dag: {tasks: [{name: say, template: echo, arguments: {parameters: [{name: m, value: bye}]}}]}
            - name: make
              outputs:
                parameters: [{name: list, valueFrom: {path: /tmp/list}}]
                artifacts: [{name: model, path: /tmp/model}]
              container: {image: alpine, command: [make]}
            - name: echo
              inputs: {parameters: [{name: m}]}
              container: {image: alpine, command: [echo, "{{inputs.parameters.m}}"]}
            - name: flaky
              retryStrategy: {limit: 2}
              container: {image: alpine, command: [flaky]}
            - name: broken
              container: {image: alpine, command: [broken]}
            """;

    @TempDir
    Path temp;

    static Outcome script(TaskRequest r) {
        return switch (r.taskName()) {
            case "A" -> new Outcome(5, TaskResult.succeeded("made\nit", Map.of("list", "[\"p\", \"q\"]"),
                    r.template().outputs().artifacts()));
            case "flaky(0)" -> Outcome.fail(5, 1);
            case "broken" -> new Outcome(5, new TaskResult(TaskPhase.ERROR, null, "the image \"x\" was not found", null,
                    Map.of(), List.of()));
            default -> Outcome.ok(5, r.taskName(), Map.of());
        };
    }

    @Test
    void aRunRebuiltFromItsJournalListsTheSameNodesAsTheLiveRun() {
        Path dir = temp.resolve("run-1");
        RunResult live = Journaled.end(Journaled.start(new ScriptedRuntime(JournalRebuildTest::script), EVERYTHING,
                dir));

        RecordedRun rebuilt = RecordedRun.read(dir);

        assertThat(live.nodes()).extracting(NodeStatus::name).contains("fan(1:k:v)", "each(0:p)", "flaky(0)",
                "flaky(1)", "never", "after", "x", "say");
        assertThat(rebuilt.nodes()).isEqualTo(live.nodes());
        assertThat(rebuilt.result()).contains(live);
        assertThat(rebuilt.ended()).isTrue();
        assertThat(rebuilt.warnings()).isEmpty();
        assertThat(rebuilt.runningIn()).as("the run's lock went with it").isEmpty();
        assertThat(live.phase()).isEqualTo(NodePhase.ERROR);
        assertThat(phase(rebuilt, "never")).isEqualTo(NodePhase.SKIPPED);
        assertThat(phase(rebuilt, "after")).isEqualTo(NodePhase.OMITTED);
        assertThat(phase(rebuilt, "flaky(0)")).isEqualTo(NodePhase.FAILED);
    }

    @Test
    void theJournalKeepsTheHeaderTheTemplateAndWhereEachArtifactWasStored() throws Exception {
        Path dir = temp.resolve("run-1");
        RunResult live = Journaled.end(Journaled.start(new ScriptedRuntime(JournalRebuildTest::script), EVERYTHING,
                dir, Map.of()));

        RecordedRun rebuilt = RecordedRun.read(dir);

        assertThat(rebuilt.header().template()).isEqualTo(new SourceText("test.yaml", EVERYTHING));
        assertThat(Files.readString(dir.resolve("template.yaml"))).isEqualTo(EVERYTHING);
        assertThat(rebuilt.header().settings()).containsEntry("runtime", "scripted");
        assertThat(rebuilt.info().uid()).isNotBlank();
        NodeStatus a = node(rebuilt, "A");
        assertThat(rebuilt.artifacts().get(a.id())).extracting(Artifact::name, x -> x.s3().key())
                .contains(org.assertj.core.groups.Tuple.tuple("model",
                        "artifacts/default/run-1/" + a.podName() + "/model"));
        assertThat(a.outputParameters()).containsEntry("list", "[\"p\", \"q\"]");
        assertThat(a.result()).isEqualTo("made\nit");
        assertThat(rebuilt.summary().tasks()).containsEntry(NodePhase.SKIPPED, 1).containsEntry(NodePhase.ERROR, 1);
        assertThat(live.finishedAt()).isNotNull();
    }

    @Test
    void theJournalGrowsByAppendingOnlyAndStaysSmall() throws Exception {
        Path dir = temp.resolve("run-1");
        Journaled.end(Journaled.start(new ScriptedRuntime(JournalRebuildTest::script), EVERYTHING, dir));

        List<String> lines = Files.readAllLines(dir.resolve("journal.jsonl"));

        assertThat(lines.get(0)).startsWith("{\"e\":\"run\",\"version\":1,\"name\":\"run-1\"");
        assertThat(lines).filteredOn(l -> l.startsWith("{\"e\":\"loop\"")).hasSize(2);
        assertThat(lines).filteredOn(l -> l.startsWith("{\"e\":\"end\"")).hasSize(1);
        assertThat(lines.get(lines.size() - 1)).startsWith("{\"e\":\"end\",\"phase\":\"Error\"");
        // Changes only: what a node is (parent, type) is written once, when it is created.
        assertThat(lines).filteredOn(l -> l.startsWith("{\"e\":\"state\""))
                .noneMatch(l -> l.contains("\"parent\"") || l.contains("\"type\""));
    }

    @Test
    void aLastLineCutShortByACrashIsLeftOutAndReported() throws Exception {
        Path dir = temp.resolve("run-1");
        RunResult live = Journaled.end(Journaled.start(new ScriptedRuntime(JournalRebuildTest::script), EVERYTHING,
                dir));
        Path journal = dir.resolve("journal.jsonl");
        Files.writeString(journal, "{\"e\":\"state\",\"id\":\"run-1.A\",\"pha", StandardOpenOption.APPEND);

        RecordedRun rebuilt = RecordedRun.read(dir);

        assertThat(rebuilt.nodes()).isEqualTo(live.nodes());
        assertThat(rebuilt.warnings()).singleElement().asString()
                .contains("journal.jsonl: the last line (32 bytes) was cut short");
    }

    @Test
    void everyPrefixOfAJournalReadsAsTheRunWasAtThatMoment() throws Exception {
        Path dir = temp.resolve("run-1");
        Journaled.end(Journaled.start(new ScriptedRuntime(JournalRebuildTest::script), EVERYTHING, dir));
        byte[] whole = Files.readAllBytes(dir.resolve("journal.jsonl"));

        int header = new String(whole, StandardCharsets.UTF_8).indexOf('\n') + 1;
        int cuts = 0;
        for (int at = header; at < whole.length - 1; at += 97) { // mid-line cuts, as a crash makes them
            Path copy = Journaled.crashCopy(dir, temp.resolve("cut-" + at));
            Files.write(copy.resolve("journal.jsonl"), Arrays.copyOf(whole, at));
            RecordedRun prefix = RecordedRun.read(copy);
            assertThat(prefix.ended()).isFalse();
            cuts++;
        }
        assertThat(cuts).isGreaterThan(10);
    }

    @Test
    void aDamagedLineBeforeTheLastMakesTheJournalUnusableAndSaysWhere() throws Exception {
        Path dir = temp.resolve("run-1");
        Journaled.end(Journaled.start(new ScriptedRuntime(JournalRebuildTest::script), EVERYTHING, dir));
        Path journal = dir.resolve("journal.jsonl");
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(journal));
        lines.set(3, "this is not JSON");
        Files.write(journal, lines);

        assertThatThrownBy(() -> RecordedRun.read(dir)).isInstanceOf(JournalException.class)
                .hasMessageContaining("journal.jsonl:4: not a JSON document");
    }

    @Test
    void aTemplateEditedAfterTheRunStartedIsRefused() throws Exception {
        Path dir = temp.resolve("run-1");
        Journaled.end(Journaled.start(new ScriptedRuntime(JournalRebuildTest::script), EVERYTHING, dir));
        Files.writeString(dir.resolve("template.yaml"), EVERYTHING.replace("make]", "make, --more]"));

        assertThatThrownBy(() -> RecordedRun.read(dir)).isInstanceOf(JournalException.class)
                .hasMessageContaining("template.yaml was changed after the run started");
    }

    @Test
    void aJournalOfANewerFormatIsRefused() throws Exception {
        Path dir = temp.resolve("run-1");
        Journaled.end(Journaled.start(new ScriptedRuntime(JournalRebuildTest::script), EVERYTHING, dir));
        Path journal = dir.resolve("journal.jsonl");
        Files.writeString(journal, Files.readString(journal).replaceFirst("\"version\":1", "\"version\":7"));

        assertThatThrownBy(() -> RecordedRun.read(dir)).isInstanceOf(JournalException.class)
                .hasMessageContaining("written by a newer onepanel-workflow (journal version 7");
    }

    @Test
    void aDirectoryWithoutAJournalSaysSo() {
        assertThatThrownBy(() -> RecordedRun.read(temp)).isInstanceOf(JournalException.class)
                .hasMessage(temp + " holds no run journal (journal.jsonl)");
    }

    static NodeStatus node(RecordedRun run, String name) {
        return run.nodes().stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no node " + name));
    }

    static NodePhase phase(RecordedRun run, String name) {
        return node(run, name).phase();
    }
}
