package io.onepanel.workflow.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.onepanel.workflow.runtime.RunInfo;
import io.onepanel.workflow.runtime.TaskExecution;
import io.onepanel.workflow.runtime.TaskPhase;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.Inputs;
import io.onepanel.workflow.template.Outputs;
import io.onepanel.workflow.template.Parameter;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.TemplateType;
import io.onepanel.workflow.template.Workflow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each attempt sees the file system a pod would: its own /tmp, its own directory or file at every
 * declared path, claims shared by the run, artifacts staged in and out around the command.
 *
 * <p>Some of these create mount points such as /mnt/output or /data on this machine, as the runtime
 * does for real runs; they check those are gone again once the run is finished.
 */
@NeedsNamespaces
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LocalFileSystemTest {

    @TempDir
    Path temp;

    FakeArtifactStore store;
    LocalTaskRuntime runtime;
    RunInfo run = Tasks.run("files");

    @BeforeEach
    void start() throws Exception {
        store = new FakeArtifactStore(Files.createDirectories(temp.resolve("store")));
        runtime = new LocalTaskRuntime(temp.resolve("work"), store);
    }

    @AfterEach
    void stop() {
        runtime.close();
    }

    static Template task(String name, Container container, Inputs inputs, Outputs outputs, List<Volume> volumes) {
        return Tasks.template(name, TemplateType.CONTAINER, container, null, inputs, outputs, volumes);
    }

    TaskResult run(RunInfo runInfo, Template template, Workflow workflow) throws Exception {
        return runtime.start(Tasks.request(runInfo, template, workflow, Duration.ofMinutes(1)),
                new RecordingListener()).result().get();
    }

    @Test
    void twoParallelAttemptsWritingTmpOutputAndMntOutputNeverSeeEachOthersFiles() throws Exception {
        assumeFalse(Files.exists(Path.of("/mnt/output")), "/mnt/output exists on this machine");
        // The two tasks meet through a claim of the run, so that both have written before either looks.
        Workflow workflow = Tasks.workflow(List.of(), List.of(Tasks.claim("sync")));
        TaskExecution left = runtime.start(Tasks.request(run, writer("left", "right"), workflow,
                Duration.ofMinutes(1)), new RecordingListener());
        TaskExecution right = runtime.start(Tasks.request(run, writer("right", "left"), workflow,
                Duration.ofMinutes(1)), new RecordingListener());

        TaskResult leftResult = left.result().get();
        TaskResult rightResult = right.result().get();

        assertThat(leftResult.phase()).as(leftResult.message()).isEqualTo(TaskPhase.SUCCEEDED);
        assertThat(rightResult.phase()).as(rightResult.message()).isEqualTo(TaskPhase.SUCCEEDED);
        assertThat(leftResult.result()).isEqualTo("tmp: left.txt\nmnt: left.txt");
        assertThat(rightResult.result()).isEqualTo("tmp: right.txt\nmnt: right.txt");
        assertThat(store.at("left/tmp")).isDirectoryContaining("glob:**/left.txt")
                .isDirectoryNotContaining("glob:**/right.txt");
        assertThat(store.at("right/mnt/right.txt")).hasContent("right");
        assertThat(store.at("right/mnt")).isDirectoryNotContaining("glob:**/left.txt");
        assertThat(Path.of("/tmp/output/left.txt")).doesNotExist();
        assertThat(Path.of("/tmp/escaped-left")).doesNotExist();
        // The tasks made /mnt/output themselves, in an overlay of /mnt: it never appears on this machine.
        assertThat(Path.of("/mnt/output")).doesNotExist();

        runtime.finish(run, true);

        assertThat(Path.of("/mnt/output")).doesNotExist();
        assertThat(temp.resolve("work/runs/files")).doesNotExist();
    }

    @Test
    void aMountPointAnotherRuntimesTaskStillMountsOverIsNotRemovedUnderIt() throws Exception {
        assumeFalse(Files.exists(Path.of("/mnt/output")), "/mnt/output exists on this machine");
        Path sync = Files.createDirectories(temp.resolve("sync"));
        Volume syncVolume = new VolumeBuilder().withName("sync").withNewHostPath().withPath(sync.toString())
                .endHostPath().build();
        // An emptyDir needs a real mount point on this machine (an output path would use an overlay).
        Volume scratch = new VolumeBuilder().withName("out").withNewEmptyDir().endEmptyDir().build();
        Template creates = task("creates", Tasks.container("true").withVolumeMounts(Tasks.mount("out", "/mnt/output"))
                .build(), Inputs.EMPTY, Outputs.EMPTY, List.of(scratch));
        Template waits = task("waits", Tasks.container("sh", "-c", "echo mine > /mnt/output/f; echo ready;"
                + " while [ ! -e /sync/go ]; do sleep 0.02; done; cat /mnt/output/f")
                .withVolumeMounts(Tasks.mount("sync", "/sync"), Tasks.mount("out", "/mnt/output")).build(),
                Inputs.EMPTY, Outputs.EMPTY, List.of(syncVolume, scratch));
        run(run, creates, Tasks.workflow());
        assertThat(Path.of("/mnt/output")).as("made by this runtime").isEmptyDirectory();

        try (LocalTaskRuntime other = new LocalTaskRuntime(temp.resolve("other-work"), store)) {
            RecordingListener listener = new RecordingListener();
            TaskExecution waiting = other.start(Tasks.request(Tasks.run("other"), waits, Tasks.workflow(),
                    Duration.ofMinutes(1)), listener);
            listener.firstLine.await();

            runtime.finish(run, true);
            assertThat(Path.of("/mnt/output")).as("still mounted over by the other runtime's task").exists();
            Files.createFile(sync.resolve("go"));

            assertThat(waiting.result().get().result()).isEqualTo("ready\nmine");
        }
        runtime.close();

        assertThat(Path.of("/mnt/output")).doesNotExist();
    }

    private static Template writer(String name, String other) {
        String script = "mkdir -p /tmp/output /mnt/output && echo " + name + " > /tmp/output/" + name + ".txt"
                + " && echo " + name + " > /mnt/output/" + name + ".txt && echo x > /tmp/escaped-" + name
                + " && touch /mnt/sync/" + name
                + " && while [ ! -e /mnt/sync/" + other + " ]; do sleep 0.02; done"
                + " && echo tmp: $(ls /tmp/output) && echo mnt: $(ls /mnt/output)";
        Container container = Tasks.container("sh", "-c", script)
                .withVolumeMounts(Tasks.mount("sync", "/mnt/sync")).build();
        Outputs outputs = new Outputs(List.of(), List.of(
                Tasks.artifact("tmp-output", "/tmp/output", name + "/tmp", false),
                Tasks.artifact("mnt-output", "/mnt/output", name + "/mnt", false)));
        return task(name, container, Inputs.EMPTY, outputs, List.of());
    }

    @Test
    void aClaimIsOneDirectoryPerRunSharedByItsTasksUntilTheRunFinishes() throws Exception {
        assumeFalse(Files.exists(Path.of("/mnt/data")), "/mnt/data exists on this machine");
        Workflow workflow = Tasks.workflow(List.of(), List.of(Tasks.claim("data")));
        RunInfo otherRun = Tasks.run("other");
        Template write = task("write", Tasks.container("sh", "-c", "echo shared > /mnt/data/hello")
                .withVolumeMounts(Tasks.mount("data", "/mnt/data")).build(), Inputs.EMPTY, Outputs.EMPTY, List.of());
        Template read = task("read", Tasks.container("sh", "-c", "cat /mnt/data/hello 2>/dev/null || echo absent")
                .withVolumeMounts(Tasks.mount("data", "/mnt/data")).build(), Inputs.EMPTY, Outputs.EMPTY, List.of());

        run(run, write, workflow);
        TaskResult sameRun = run(run, read, workflow);
        TaskResult otherRunResult = run(otherRun, read, workflow);

        assertThat(sameRun.result()).isEqualTo("shared");
        assertThat(otherRunResult.result()).isEqualTo("absent");
        assertThat(temp.resolve("work/runs/files/volumes/claim-data/hello")).hasContent("shared");
        assertThat(Path.of("/mnt/data/hello")).as("the claim is only visible inside the tasks").doesNotExist();

        runtime.finish(run, true);

        assertThat(temp.resolve("work/runs/files")).doesNotExist();
        assertThat(Path.of("/mnt/data")).as("the other run still uses the mount point").isDirectory();

        runtime.finish(otherRun, true);

        assertThat(Path.of("/mnt/data")).doesNotExist();
    }

    @Test
    void anEmptyDirBelongsToOneAttempt() throws Exception {
        List<Volume> volumes = List.of(Tasks.emptyDir("scratch"));
        Template first = task("first", Tasks.container("sh", "-c", "echo one > /tmp/scratch/file; ls /tmp/scratch")
                .withVolumeMounts(Tasks.mount("scratch", "/tmp/scratch")).build(), Inputs.EMPTY, Outputs.EMPTY,
                volumes);
        Template second = task("second", Tasks.container("sh", "-c", "ls -A /tmp/scratch; echo end")
                .withVolumeMounts(Tasks.mount("scratch", "/tmp/scratch")).build(), Inputs.EMPTY, Outputs.EMPTY,
                volumes);

        assertThat(run(run, first, Tasks.workflow()).result()).isEqualTo("file");
        assertThat(run(run, second, Tasks.workflow()).result()).isEqualTo("end");
    }

    @Test
    void aHostPathVolumeIsTheMachinesOwnDirectoryAndCanBeReadOnly() throws Exception {
        Path shared = Files.createDirectories(temp.resolve("host-dir"));
        Files.writeString(shared.resolve("given.txt"), "from the host");
        Volume host = new VolumeBuilder().withName("host").withNewHostPath().withPath(shared.toString())
                .endHostPath().build();
        Template writes = task("writes", Tasks.container("sh", "-c", "cat /mnt/host/given.txt; echo hi > /mnt/host/new")
                .withVolumeMounts(Tasks.mount("host", "/mnt/host")).build(), Inputs.EMPTY, Outputs.EMPTY,
                List.of(host));
        Template readOnly = task("read-only", Tasks.container("sh", "-c", "echo no > /mnt/ro/denied")
                .withVolumeMounts(new VolumeMountBuilder().withName("host").withMountPath("/mnt/ro").withReadOnly(true)
                        .build()).build(), Inputs.EMPTY, Outputs.EMPTY, List.of(host));

        TaskResult written = run(run, writes, Tasks.workflow());
        TaskResult denied = run(run, readOnly, Tasks.workflow());

        assertThat(written.result()).isEqualTo("from the host");
        assertThat(shared.resolve("new")).hasContent("hi");
        assertThat(denied.phase()).isEqualTo(TaskPhase.FAILED);
        assertThat(shared.resolve("denied")).doesNotExist();
    }

    @Test
    void inputArtifactsAreFetchedBeforeTheCommandAndOutputsStoredAfterIt() throws Exception {
        assumeFalse(Files.exists(Path.of("/data")), "/data exists on this machine");
        store.put("inputs/data.txt", "payload\nline two\n");
        Inputs inputs = new Inputs(List.of(), List.of(
                Tasks.artifact("data", "/data/in/data.txt", "inputs/data.txt", false)));
        Outputs outputs = new Outputs(List.of(Tasks.outputParameter("lines", "/tmp/lines", null)),
                List.of(Tasks.artifact("model", "/tmp/model", "runs/1/model", false)));
        Template template = task("train", Tasks.container("sh", "-c",
                "mkdir -p /tmp/model/sub && cp /data/in/data.txt /tmp/model/copy.txt && echo b > /tmp/model/sub/b.txt"
                        + " && wc -l < /data/in/data.txt | tr -d ' ' > /tmp/lines").build(),
                inputs, outputs, List.of());

        TaskResult result = run(run, template, Tasks.workflow());

        assertThat(result.phase()).as(result.message()).isEqualTo(TaskPhase.SUCCEEDED);
        assertThat(result.outputParameters()).containsEntry("lines", "2");
        assertThat(result.outputArtifacts()).extracting(Artifact::name).containsExactly("model");
        assertThat(store.at("runs/1/model/copy.txt")).hasContent("payload\nline two\n");
        assertThat(store.at("runs/1/model/sub/b.txt")).hasContent("b");
        assertThat(Path.of("/data")).as("mount point kept while the run goes on").isEmptyDirectory();

        runtime.finish(run, true);

        assertThat(Path.of("/data")).doesNotExist();
    }

    @Test
    void anInputArtifactUnderAClaimIsWrittenIntoTheClaimAsArgoDoes() throws Exception {
        store.put("in/x.txt", "x");
        Workflow workflow = Tasks.workflow(List.of(), List.of(Tasks.claim("work")));
        Template template = task("load", Tasks.container("cat", "/tmp/work/in/x.txt")
                .withVolumeMounts(Tasks.mount("work", "/tmp/work")).build(),
                new Inputs(List.of(), List.of(Tasks.artifact("x", "/tmp/work/in/x.txt", "in/x.txt", false))),
                Outputs.EMPTY, List.of());

        TaskResult result = run(run, template, workflow);

        assertThat(result.result()).isEqualTo("x");
        assertThat(temp.resolve("work/runs/files/volumes/claim-work/in/x.txt")).hasContent("x");
    }

    @Test
    void aMissingRequiredInputArtifactIsAnErrorAndTheCommandDoesNotStart() throws Exception {
        RecordingListener listener = new RecordingListener();
        Template template = task("needs-input", Tasks.container("echo", "started").build(),
                new Inputs(List.of(), List.of(Tasks.artifact("data", "/tmp/data", "no/such/key", false))),
                Outputs.EMPTY, List.of());

        TaskResult result = runtime.start(Tasks.request(run, template), listener).result().get();

        assertThat(result.phase()).isEqualTo(TaskPhase.ERROR);
        assertThat(result.exitCode()).isNull();
        assertThat(result.message()).contains("input artifact 'data'").contains("no/such/key");
        assertThat(listener.lines).isEmpty();
    }

    @Test
    void outputParametersAreReadFromFilesTrimmingOneNewlineAsArgoDoes() throws Exception {
        assumeFalse(Files.exists(Path.of("/out")), "/out exists on this machine");
        Outputs outputs = new Outputs(List.of(
                Tasks.outputParameter("one", "/tmp/one", null),
                Tasks.outputParameter("two", "/tmp/two", null),
                Tasks.outputParameter("defaulted", "/tmp/absent", "fallback"),
                Tasks.outputParameter("outside", "/out/params/value", null)), List.of());
        Template template = task("params", Tasks.container("sh", "-c",
                "echo hello > /tmp/one; printf 'x\\n\\n' > /tmp/two;"
                        + " mkdir -p /out/params; printf v > /out/params/value")
                .build(), Inputs.EMPTY, outputs, List.of());

        TaskResult result = run(run, template, Tasks.workflow());

        assertThat(result.phase()).as(result.message()).isEqualTo(TaskPhase.SUCCEEDED);
        assertThat(result.outputParameters()).containsEntry("one", "hello").containsEntry("two", "x\n")
                .containsEntry("defaulted", "fallback").containsEntry("outside", "v");
        runtime.finish(run, true);
        assertThat(Path.of("/out")).doesNotExist();
    }

    @Test
    void aMissingOutputParameterWithoutDefaultIsAnError() throws Exception {
        Parameter parameter = Tasks.outputParameter("p", "/tmp/p", null);
        Template template = task("no-param", Tasks.container("true").build(), Inputs.EMPTY,
                new Outputs(List.of(parameter), List.of()), List.of());

        TaskResult result = run(run, template, Tasks.workflow());

        assertThat(result.phase()).isEqualTo(TaskPhase.ERROR);
        assertThat(result.exitCode()).isZero();
        assertThat(result.message()).isEqualTo("output parameter 'p': /tmp/p not found");
    }

    @Test
    void aMissingRequiredOutputArtifactIsAnErrorAndAnOptionalOneIsSkipped() throws Exception {
        Template template = task("no-artifact", Tasks.container("true").build(), Inputs.EMPTY,
                new Outputs(List.of(), List.of(Tasks.artifact("x", "/tmp/out", "k/x", false),
                        Tasks.artifact("maybe", "/tmp/maybe", "k/maybe", true))), List.of());

        TaskResult result = run(run, template, Tasks.workflow());

        assertThat(result.phase()).isEqualTo(TaskPhase.ERROR);
        assertThat(result.message()).isEqualTo("output artifact 'x': /tmp/out not found");
        assertThat(store.stored).isEmpty();
    }

    @Test
    void outputsAreStillSavedWhenTheCommandFailsAsArgoDoes() throws Exception {
        Template template = task("fails", Tasks.container("sh", "-c", "echo partial > /tmp/log.txt; exit 2").build(),
                Inputs.EMPTY, new Outputs(List.of(), List.of(Tasks.artifact("log", "/tmp/log.txt", "logs/1", false))),
                List.of());

        TaskResult result = run(run, template, Tasks.workflow());

        assertThat(result.phase()).isEqualTo(TaskPhase.FAILED);
        assertThat(result.message()).isEqualTo("exit code 2");
        assertThat(result.outputArtifacts()).extracting(Artifact::name).containsExactly("log");
        assertThat(store.at("logs/1")).hasContent("partial");
    }

    @Test
    void hostilePathsAreRejectedBeforeAnythingIsFetchedOrStarted() throws Exception {
        store.put("ok", "fine");
        Artifact fine = Tasks.artifact("fine", "/tmp/fine", "ok", false);
        List<Template> hostile = List.of(
                withInputs("relative", fine, Tasks.artifact("rel", "etc/passwd", "ok", false)),
                withInputs("dotdot", fine, Tasks.artifact("up", "/tmp/../etc/passwd", "ok", false)),
                task("out-dotdot", Tasks.container("echo", "ran").build(), Inputs.EMPTY,
                        new Outputs(List.of(), List.of(Tasks.artifact("o", "/tmp/../../root/x", "k", false))),
                        List.of()),
                task("param-relative", Tasks.container("echo", "ran").build(), Inputs.EMPTY,
                        new Outputs(List.of(Tasks.outputParameter("p", "../p", null)), List.of()), List.of()),
                task("mount-root", Tasks.container("echo", "ran").withVolumeMounts(Tasks.mount("s", "/")).build(),
                        Inputs.EMPTY, Outputs.EMPTY, List.of(Tasks.emptyDir("s"))),
                task("sub-path", Tasks.container("echo", "ran").withVolumeMounts(new VolumeMountBuilder().withName("s")
                        .withMountPath("/mnt/s").withSubPath("../../etc").build()).build(), Inputs.EMPTY,
                        Outputs.EMPTY, List.of(Tasks.emptyDir("s"))));
        List<String> expected = List.of("input artifact 'rel': path 'etc/passwd' is not absolute",
                "input artifact 'up': path '/tmp/../etc/passwd' contains '..'",
                "output artifact 'o': path '/tmp/../../root/x' contains '..'",
                "output parameter 'p': path '../p' is not absolute",
                "volumeMount 's': cannot use '/' itself",
                "contains '..'");

        for (int i = 0; i < hostile.size(); i++) {
            RecordingListener listener = new RecordingListener();
            TaskResult result = runtime.start(Tasks.request(run, hostile.get(i)), listener).result().get();

            assertThat(result.phase()).as(hostile.get(i).name()).isEqualTo(TaskPhase.ERROR);
            assertThat(result.message()).as(hostile.get(i).name()).contains(expected.get(i));
            assertThat(result.exitCode()).isNull();
            assertThat(listener.lines).isEmpty();
        }
        assertThat(store.fetched).isEmpty();
    }

    private static Template withInputs(String name, Artifact... artifacts) {
        return task(name, Tasks.container("echo", "ran").build(), new Inputs(List.of(), List.of(artifacts)),
                Outputs.EMPTY, List.of());
    }
}
