package io.onepanel.workflow.corpus;

import static io.onepanel.workflow.e2e.LocalEngine.describe;
import static io.onepanel.workflow.e2e.LocalEngine.node;
import static io.onepanel.workflow.e2e.LocalEngine.phase;
import static io.onepanel.workflow.engine.NodePhase.FAILED;
import static io.onepanel.workflow.engine.NodePhase.OMITTED;
import static io.onepanel.workflow.engine.NodePhase.SKIPPED;
import static io.onepanel.workflow.engine.NodePhase.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.e2e.LocalEngine;
import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.NodeType;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.runtime.local.NeedsNamespaces;
import io.onepanel.workflow.template.LoadedTemplate;
import io.onepanel.workflow.template.TemplateLoader;
import io.onepanel.workflow.template.Workflow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corpus files run on the local runtime, with real processes, reaching the outcome INDEX.tsv
 * states. Images are not pulled: commands run from this machine's PATH (echo, sh, bash, python3,
 * and {@code python}, which is Python 3 here).
 *
 * <p>Not run, on purpose:
 * <ul>
 *   <li>dag-disable-failFast: sleeps 30 s; failFast off is covered by LocalRunTest.
 *   <li>dag-task-level-timeout: sleeps 15 s to hit a 10 s timeout.
 *   <li>parallelism-nested-dag: eight tasks of sleep 10.
 *   <li>dag-daemon-task, dag-daemon-retry-strategy: daemons (influxdb server), not supported.
 *   <li>auto-cvat, ensemble-inference and the Onepanel training workflows: need CVAT, GPUs,
 *       TensorFlow/PyTorch images, git repositories and minutes of sleeps.
 *   <li>artifacts.md block1: sleeps 15 s and uploads to storage.googleapis.com; its copy in
 *       examples/ (inputs-outputs.yaml) runs in {@link #onepanelInputsOutputsSeed()}.
 * </ul>
 */
@NeedsNamespaces
@NeedsCorpus
class CorpusRunTest {

    @TempDir
    Path temp;

    LocalEngine local;

    @BeforeEach
    void start() {
        local = new LocalEngine(temp);
    }

    @AfterEach
    void stop() {
        local.close();
    }

    RunResult run(String file) throws Exception {
        return run(file, Map.of());
    }

    RunResult run(String file, Map<String, String> parameters) throws Exception {
        return local.run(CorpusFiles.file(file), parameters);
    }

    static List<NodeStatus> pods(RunResult r) {
        return r.nodes().stream().filter(n -> n.type() == NodeType.POD).toList();
    }

    static void assertPhases(RunResult r, Map<String, NodePhase> expected) {
        expected.forEach((name, phase) -> assertThat(phase(r, name)).as("%s in %s", name, describe(r)).isEqualTo(phase));
    }

    @Test
    void dagDiamond() throws Exception {
        RunResult r = run("argo/examples__dag-diamond.yaml");
        assertThat(r.phase()).as(describe(r)).isEqualTo(SUCCEEDED);
        assertPhases(r, Map.of("A", SUCCEEDED, "B", SUCCEEDED, "C", SUCCEEDED, "D", SUCCEEDED));
        assertThat(node(r, "D").result()).isEqualTo("D");
        assertThat(node(r, "D").startedAt()).isAfterOrEqualTo(node(r, "B").finishedAt())
                .isAfterOrEqualTo(node(r, "C").finishedAt());
        assertThat(node(r, "B").startedAt()).isAfterOrEqualTo(node(r, "A").finishedAt());
    }

    @Test
    void dagMultiroot() throws Exception {
        RunResult r = run("argo/examples__dag-multiroot.yaml");
        assertThat(r.phase()).as(describe(r)).isEqualTo(SUCCEEDED);
        assertPhases(r, Map.of("A", SUCCEEDED, "B", SUCCEEDED, "C", SUCCEEDED, "D", SUCCEEDED));
        assertThat(node(r, "D").startedAt()).isAfterOrEqualTo(node(r, "A").finishedAt())
                .isAfterOrEqualTo(node(r, "B").finishedAt());
    }

    @Test
    void dagEnhancedDependsSucceedsThoughCFails() throws Exception {
        RunResult r = run("argo/examples__dag-enhanced-depends.yaml");
        assertThat(r.phase()).as(describe(r)).isEqualTo(SUCCEEDED);
        assertPhases(r, Map.of("A", SUCCEEDED, "B", SUCCEEDED, "C", FAILED, "should-execute-1", SUCCEEDED,
                "should-execute-2", SUCCEEDED, "should-not-execute", OMITTED, "should-execute-3", SUCCEEDED));
        assertThat(node(r, "C").exitCode()).isEqualTo(1);
    }

    @Test
    void dagContinueOnFailFailsWithDRunAndGOmitted() throws Exception {
        RunResult r = run("argo/examples__dag-continue-on-fail.yaml");
        assertThat(r.phase()).as(describe(r)).isEqualTo(FAILED);
        assertPhases(r, Map.of("A", SUCCEEDED, "B", FAILED, "C", SUCCEEDED, "D", SUCCEEDED, "E", FAILED,
                "F", SUCCEEDED, "G", OMITTED));
    }

    @Test
    void dagTargetsRunOnlyWhatReachesTheTarget() throws Exception {
        RunResult r = run("argo/examples__dag-targets.yaml");
        assertThat(r.phase()).as(describe(r)).isEqualTo(SUCCEEDED);
        assertPhases(r, Map.of("A", SUCCEEDED, "C", SUCCEEDED, "E", SUCCEEDED));
        assertThat(r.nodes()).as(describe(r)).extracting(NodeStatus::name).doesNotContain("B", "D");

        RunResult two = run("argo/examples__dag-targets.yaml", Map.of("target", "B D"));
        assertThat(two.phase()).as(describe(two)).isEqualTo(SUCCEEDED);
        assertThat(pods(two)).as(describe(two)).extracting(NodeStatus::name).containsExactlyInAnyOrder("A", "B", "C", "D");
    }

    @Test
    void loopsDagFansOutThenJoins() throws Exception {
        RunResult r = run("argo/examples__loops-dag.yaml");
        assertThat(r.phase()).as(describe(r)).isEqualTo(SUCCEEDED);
        List<NodeStatus> b = pods(r).stream().filter(n -> n.name().startsWith("B(")).toList();
        assertThat(b).as(describe(r)).hasSize(3).allSatisfy(n -> assertThat(n.phase()).isEqualTo(SUCCEEDED));
        assertThat(b).extracting(NodeStatus::result).containsExactlyInAnyOrder("foo", "bar", "baz");
        for (NodeStatus item : b) {
            assertThat(node(r, "C").startedAt()).isAfterOrEqualTo(item.finishedAt());
        }
    }

    @Test
    void dagConditionalParametersRunsExactlyOneSide() throws Exception {
        RunResult r = run("argo/examples__dag-conditional-parameters.yaml");
        assertThat(r.phase()).as(describe(r)).isEqualTo(SUCCEEDED);
        String flip = node(r, "flip-coin").result();
        assertThat(flip).isIn("heads", "tails");
        String other = flip.equals("heads") ? "tails" : "heads";
        assertPhases(r, Map.of(flip, SUCCEEDED, other, SKIPPED));
        assertThat(r.outputs()).as(describe(r)).containsEntry("stepresult", node(r, flip).result());
    }

    @Test
    void dagCoinflipEndsEveryRecursiveFlipOnHeads() throws Exception {
        RunResult r = run("argo/examples__dag-coinflip.yaml");
        assertThat(r.phase()).as(describe(r)).isEqualTo(SUCCEEDED);
        assertPhases(r, Map.of("A", SUCCEEDED, "B", SUCCEEDED, "C", SUCCEEDED, "D", SUCCEEDED));
        // tails recurses into coinflip until a flip comes up heads: one "it was heads" per task
        assertThat(pods(r)).filteredOn(n -> "it was heads".equals(n.result())).as(describe(r)).hasSize(4);
        assertThat(pods(r)).filteredOn(n -> "heads".equals(n.result()) || "tails".equals(n.result()))
                .filteredOn(n -> "heads".equals(n.result())).hasSize(4);
    }

    @Test
    void dagDiamondStepsRunsEachTaskAsSteps() throws Exception {
        RunResult r = run("argo/examples__dag-diamond-steps.yaml");
        assertThat(r.phase()).as(describe(r)).isEqualTo(SUCCEEDED);
        assertPhases(r, Map.of("A", SUCCEEDED, "B", SUCCEEDED, "C", SUCCEEDED, "D", SUCCEEDED));
        assertThat(pods(r)).as(describe(r)).hasSize(12).allSatisfy(n -> assertThat(n.phase()).isEqualTo(SUCCEEDED));
    }

    @Test
    void exitHandlerDagLevelRunsAfterEachTask() throws Exception {
        RunResult r = run("argo/examples__exit-handler-dag-level.yaml");
        assertThat(r.phase()).as(describe(r)).isEqualTo(SUCCEEDED);
        assertPhases(r, Map.of("A", SUCCEEDED, "B", SUCCEEDED, "C", SUCCEEDED, "D", SUCCEEDED));
        List<NodeStatus> exits = pods(r).stream().filter(n -> n.result() != null && n.result().equals("task cleanup"))
                .toList();
        assertThat(exits).as(describe(r)).hasSize(4).allSatisfy(n -> assertThat(n.phase()).isEqualTo(SUCCEEDED));
    }

    @Test
    void dagNestedRunsInnerDiamonds() throws Exception {
        RunResult r = run("argo/examples__dag-nested.yaml");
        assertThat(r.phase()).as(describe(r)).isEqualTo(SUCCEEDED);
        assertThat(pods(r)).as(describe(r)).hasSize(16).allSatisfy(n -> assertThat(n.phase()).isEqualTo(SUCCEEDED));
        assertThat(r.nodes()).filteredOn(n -> n.type() == NodeType.DAG).hasSize(5);
    }

    @Test
    void parameterAggregationDag() throws Exception {
        RunResult r = run("argo/examples__parameter-aggregation-dag.yaml");
        assertThat(r.phase()).as(describe(r)).isEqualTo(SUCCEEDED);
        List<NodeStatus> divide = r.nodes().stream().filter(n -> n.name().startsWith("divide-by-2(")).toList();
        assertThat(divide).as(describe(r)).hasSize(4);
        assertThat(divide).filteredOn(n -> n.phase() == SUCCEEDED).hasSize(2);
        assertThat(divide).filteredOn(n -> n.phase() == SKIPPED).hasSize(2);
        assertThat(divide).filteredOn(n -> n.phase() == SUCCEEDED).extracting(NodeStatus::result)
                .containsExactlyInAnyOrder("1", "2");
        List<NodeStatus> print = pods(r).stream().filter(n -> n.name().startsWith("print(")).toList();
        assertThat(print).as(describe(r)).extracting(NodeStatus::result).containsExactlyInAnyOrder("1", "2");
    }

    @Test
    void skippedOutputDefaultsConsumerInputDefault() throws Exception {
        RunResult r = run("argo/examples__skipped-output-defaults__consumer-input-default.yaml");
        assertThat(r.phase()).as(describe(r)).isEqualTo(SUCCEEDED);
        assertPhases(r, Map.of("producer", SKIPPED, "consumer", SUCCEEDED));
        assertThat(node(r, "consumer").result()).isEqualTo("consumer got: [fallback-from-input]");
    }

    @Test
    void skippedOutputDefaultsProducerOutputDefault() throws Exception {
        RunResult r = run("argo/examples__skipped-output-defaults__producer-output-default.yaml");
        assertThat(r.phase()).as(describe(r)).isEqualTo(SUCCEEDED);
        assertPhases(r, Map.of("producer", SKIPPED, "consumer", SUCCEEDED));
        assertThat(node(r, "consumer").result()).isEqualTo("consumer got: [hello-from-producer]");
    }

    @Test
    void skippedOutputDefaultsExpressionFallback() throws Exception {
        RunResult r = run("argo/examples__skipped-output-defaults__expression-fallback.yaml");
        assertThat(r.phase()).as(describe(r)).isEqualTo(SUCCEEDED);
        assertPhases(r, Map.of("producer", SKIPPED));
        assertThat(r.outputs()).as(describe(r)).containsEntry("result", "expr-fallback");
    }

    @Test
    void mapReduceFansInArtifactsByKeyPrefix() throws Exception {
        // split makes its own output directory (os.mkdir("/mnt/out")), as it may in a container.
        RunResult r = run("argo/examples__map-reduce.yaml");
        assertThat(r.phase()).as(describe(r) + "\n" + local.logs).isEqualTo(SUCCEEDED);
        assertThat(pods(r).stream().filter(n -> n.name().startsWith("map(")).toList()).as(describe(r)).hasSize(4);
    }

    @Test
    void workflowTemplateRefsResolveAgainstTheirLibrary() throws Exception {
        LoadedTemplate lib = new TemplateLoader().load("templates.yaml",
                Files.readString(CorpusFiles.file("argo/examples__workflow-template__templates.yaml")));
        List<Workflow> library = new ArrayList<>(lib.library());
        library.add(0, lib.workflow());
        try (LocalEngine withLibrary = new LocalEngine(temp.resolve("lib"), library)) {
            RunResult r = withLibrary.run(CorpusFiles.file("argo/examples__workflow-template__dag.yaml"), Map.of());
            assertThat(r.phase()).as(describe(r)).isEqualTo(SUCCEEDED);
            assertThat(pods(r)).as(describe(r)).hasSize(7).allSatisfy(n -> assertThat(n.phase()).isEqualTo(SUCCEEDED));
        }
    }

    @Test
    void onepanelDiamondSeed() throws Exception {
        RunResult r = run("onepanel/core-docs__docs__reference__workflows__templates.md__block1.yaml");
        assertThat(r.phase()).as(describe(r)).isEqualTo(SUCCEEDED);
        assertThat(pods(r)).extracting(NodeStatus::result).containsExactlyInAnyOrder("A", "B", "C", "D");
    }

    @Test
    void onepanelInputsOutputsSeed() throws Exception {
        Path examples = Path.of(System.getProperty("onepanel.examples", "../examples"));
        Files.createDirectories(local.object("my-data/input"));
        Files.writeString(local.object("my-data/input/data.txt"), "input data\n");
        RunResult r = local.run(examples.resolve("inputs-outputs.yaml"), Map.of());
        // output-three goes to storage.googleapis.com with keys from secret my-s3-credentials,
        // which this machine does not have: the task errors and says so precisely ...
        assertThat(r.phase()).as(describe(r) + "\n" + local.logs).isEqualTo(NodePhase.ERROR);
        assertThat(node(r, "input-output").message())
                .isEqualTo("output artifact 'output-three': no credentials are configured for secret 'my-s3-credentials'");
        // ... while output-two, to the default repository, landed unarchived under the model-path key.
        assertThat(local.object("my-data/output/message.txt")).hasContent("hello");
        assertThat(local.logs).anySatisfy(l -> assertThat(l).endsWith("data.txt"));
    }

    @Test
    void artifactPassingDocs() throws Exception {
        RunResult r = run("onepanel/core-docs__docs__reference__workflows__artifacts.md__block9.yaml");
        // docker/whalesay's cowsay is not on this machine: sh says so on stderr, but the pipeline's
        // status is tee's, so the generator succeeds with an empty file, which is handed on.
        Assumptions.assumeTrue(Files.notExists(Path.of("/usr/games/cowsay")), "cowsay is installed");
        assertThat(r.phase()).as(describe(r)).isEqualTo(SUCCEEDED);
        assertPhases(r, Map.of("generate-artifact", SUCCEEDED, "consume-artifact", SUCCEEDED));
        assertThat(local.logs).contains("generate-artifact: sh: 1: cowsay: not found");
        assertThat(node(r, "consume-artifact").result()).isEmpty();
    }

    @Test
    void metricsDocs() throws Exception {
        RunResult r = run("onepanel/core-docs__docs__reference__workflows__metrics.md__block1.yaml");
        assertThat(r.phase()).as(describe(r) + "\n" + local.logs).isEqualTo(SUCCEEDED);
        assertThat(node(r, "B").result()).isEqualTo("[{'name': 'accuracy', 'value': 0.981}, {'name': 'loss', 'value': 0.018}]");
    }
}
