package io.onepanel.workflow.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.onepanel.workflow.pod.ImageEntrypoints;
import io.onepanel.workflow.runtime.RunInfo;
import io.onepanel.workflow.runtime.TaskExecution;
import io.onepanel.workflow.runtime.TaskPhase;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.template.Inputs;
import io.onepanel.workflow.template.Outputs;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.TemplateType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A container or script template runs as a real local process with Kubernetes' command semantics. */
@NeedsNamespaces
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LocalTaskRuntimeTest {

    @TempDir
    Path temp;

    FakeArtifactStore store;
    LocalTaskRuntime runtime;
    RunInfo run = Tasks.run("basics");

    @BeforeEach
    void start() throws Exception {
        store = new FakeArtifactStore(Files.createDirectories(temp.resolve("store")));
        runtime = new LocalTaskRuntime(temp.resolve("work"), store);
    }

    @AfterEach
    void stop() {
        runtime.close();
    }

    TaskResult run(Template template, RecordingListener listener) throws Exception {
        return runtime.start(Tasks.request(run, template), listener).result().get();
    }

    TaskResult run(Template template) throws Exception {
        return run(template, new RecordingListener());
    }

    @Test
    void echoOutputBecomesTheResultWithItsTrailingNewlineTrimmed() throws Exception {
        RecordingListener listener = new RecordingListener();

        TaskResult result = run(Tasks.container("echo", Tasks.container("echo").withArgs("hello world").build()),
                listener);

        assertThat(result.phase()).isEqualTo(TaskPhase.SUCCEEDED);
        assertThat(result.exitCode()).isZero();
        assertThat(result.result()).isEqualTo("hello world");
        assertThat(listener.lines).containsExactly("hello world");
    }

    @Test
    void onlyOneTrailingNewlineIsTrimmedFromTheResultAsArgoDoes() throws Exception {
        TaskResult result = run(Tasks.container("two", Tasks.container("printf", "a\\nb\\n\\n").build()));

        assertThat(result.result()).isEqualTo("a\nb\n");
    }

    @Test
    void argsWithoutACommandRunOnlyWhenTheImagesFileMapsTheImagesEntrypoint() throws Exception {
        Template args = Tasks.container("args", new io.fabric8.kubernetes.api.model.ContainerBuilder().withName("main")
                .withImage("busybox:1.36").withArgs("from", "args").build());
        LocalImages images = new LocalImages(new ImageEntrypoints(List.of(
                new ImageEntrypoints.Entry("busybox:*", List.of("echo", "entry:")))));

        TaskResult unmapped = run(args);
        TaskResult mapped;
        try (LocalTaskRuntime withImages = new LocalTaskRuntime(temp.resolve("work2"), store,
                LocalRuntimeOptions.defaults(), images)) {
            mapped = withImages.start(Tasks.request(run, args), new RecordingListener()).result().get();
        }

        assertThat(unmapped.phase()).isEqualTo(TaskPhase.ERROR);
        assertThat(unmapped.message()).isEqualTo("args but no command: in a container the entrypoint of image"
                + " busybox:1.36 runs them, which a local run cannot know; give the container a command, or map the"
                + " image to a local command in an images file (run --images FILE, a line such as '\"busybox:1.36\":"
                + " [program]'; [] when the image has no entrypoint)");
        assertThat(mapped.phase()).as(mapped.message()).isEqualTo(TaskPhase.SUCCEEDED);
        assertThat(mapped.result()).isEqualTo("entry: from args");
    }

    @Test
    void aTaskWithoutWorkingDirStartsInAnEmptyDirectoryOfItsOwnWhereItMayReportProgress() throws Exception {
        Path callers = Path.of(System.getProperty("user.dir")).toAbsolutePath();

        TaskResult result = run(Tasks.container("wd", Tasks.container("sh", "-c",
                "pwd; ls -A | wc -l; echo 3/10 > \"$ARGO_PROGRESS_FILE\" && cat \"$ARGO_PROGRESS_FILE\"").build()));

        assertThat(result.phase()).as(result.message()).isEqualTo(TaskPhase.SUCCEEDED);
        List<String> lines = result.result().lines().toList();
        assertThat(lines.get(0)).isEqualTo("/tmp/onepanel-workdir").isNotEqualTo(callers.toString());
        assertThat(lines.subList(1, 3)).containsExactly("0", "3/10");
    }

    @Test
    void aCommandLineTooLongToStartIsAnErrorNamingTheTaskAndTheLimits() throws Exception {
        String huge = "x".repeat(200_000);

        TaskResult result = run(Tasks.container("huge", Tasks.container("echo", huge).build()));

        assertThat(result.phase()).isEqualTo(TaskPhase.ERROR);
        assertThat(result.message()).startsWith("task 'huge': its command line is too long to start: ")
                .contains("the longest argument or variable 200,001 bytes")
                .contains("131,072 bytes in one argument")
                .doesNotContain("IOException", huge);
    }

    @Test
    void nonZeroExitFailsWithTheExitCode() throws Exception {
        TaskResult result = run(Tasks.container("three", Tasks.container("sh", "-c", "echo before; exit 3").build()));

        assertThat(result.phase()).isEqualTo(TaskPhase.FAILED);
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.message()).isEqualTo("exit code 3");
        assertThat(result.result()).isEqualTo("before");
    }

    @Test
    void aProcessKilledByASignalReportsItAsTheShellDoes() throws Exception {
        // "$$$$": the kubelet turns "$$" into "$" in command and args, so the shell sees "$$".
        TaskResult result = run(Tasks.container("killed", Tasks.container("sh", "-c", "kill -9 $$$$").build()));

        assertThat(result.phase()).isEqualTo(TaskPhase.FAILED);
        assertThat(result.exitCode()).isEqualTo(137);
    }

    @Test
    void shellScriptSourceIsRunByTheCommandAsArgoDoes() throws Exception {
        TaskResult result = run(Tasks.script("sh-script", "alpine", List.of("sh"),
                "set -e\nfor i in 1 2 3; do printf '%s' \"$i\"; done\necho\n"));

        assertThat(result.phase()).isEqualTo(TaskPhase.SUCCEEDED);
        assertThat(result.result()).isEqualTo("123");
    }

    @Test
    void pythonScriptSourceIsRunByPython() throws Exception {
        TaskResult result = run(Tasks.script("py", "python:3.12", List.of("python3"),
                "import sys\nprint('python', sys.version_info[0])\nprint(6 * 7)\n"));

        assertThat(result.phase()).as(result.message()).isEqualTo(TaskPhase.SUCCEEDED);
        assertThat(result.result()).isEqualTo("python 3\n42");
    }

    @Test
    void envLiteralsAreSetAndReferencesExpandedAsTheKubeletDoes() throws Exception {
        RecordingListener listener = new RecordingListener();
        Template template = Tasks.container("env", Tasks.container("sh", "-c", "echo \"$GREETING|$WHO|$POD\"")
                .withEnv(new EnvVarBuilder().withName("WHO").withValue("world").build(),
                        new EnvVarBuilder().withName("GREETING").withValue("hello $(WHO)").build(),
                        new EnvVarBuilder().withName("POD").withNewValueFrom().withNewFieldRef()
                                .withFieldPath("metadata.name").endFieldRef().endValueFrom().build(),
                        new EnvVarBuilder().withName("PASSWORD").withNewValueFrom().withNewSecretKeyRef()
                                .withName("db").withKey("password").endSecretKeyRef().endValueFrom().build())
                .build());

        TaskResult result = run(template, listener);

        assertThat(result.result()).isEqualTo("hello world|world|wf-env-1234");
        assertThat(listener.statuses).anyMatch(s -> s.contains("env PASSWORD")
                && s.contains("secretKeyRef") && s.contains("not set"));
    }

    @Test
    void workingDirIsCreatedInsideTheTaskAndEntered() throws Exception {
        TaskResult result = run(Tasks.container("wd", Tasks.container("sh", "-c", "pwd; ls -A")
                .withWorkingDir("/tmp/work/dir").build()));

        assertThat(result.phase()).as(result.message()).isEqualTo(TaskPhase.SUCCEEDED);
        assertThat(result.result()).isEqualTo("/tmp/work/dir");
    }

    @Test
    void theImageIsAnnouncedOncePerImageAsNotPulled() throws Exception {
        RecordingListener first = new RecordingListener();
        RecordingListener second = new RecordingListener();
        RecordingListener other = new RecordingListener();

        run(Tasks.container("a", Tasks.container("true").withImage("alpine:3.19").build()), first);
        run(Tasks.container("b", Tasks.container("true").withImage("alpine:3.19").build()), second);
        run(Tasks.container("c", Tasks.container("true").withImage("python:3.12").build()), other);

        assertThat(first.statuses).filteredOn(s -> s.contains("not pulled")).singleElement().asString()
                .contains("alpine:3.19");
        assertThat(second.statuses).noneMatch(s -> s.contains("not pulled"));
        assertThat(other.statuses).filteredOn(s -> s.contains("not pulled")).singleElement().asString()
                .contains("python:3.12");
    }

    @Test
    void aCommandThatIsNotOnThisMachineIsAnErrorSayingSo() throws Exception {
        TaskResult result = run(Tasks.container("missing", Tasks.container("no-such-command-x7", "--flag").build()));

        assertThat(result.phase()).isEqualTo(TaskPhase.ERROR);
        assertThat(result.exitCode()).isNull();
        assertThat(result.message()).contains("no-such-command-x7").contains("not found on this machine")
                .contains("not in the image alpine:3.19");
    }

    @Test
    void aContainerWithoutCommandOrArgsCannotRunTheImageEntrypoint() throws Exception {
        TaskResult result = run(Tasks.container("entrypoint",
                new io.fabric8.kubernetes.api.model.ContainerBuilder().withName("main").withImage("nginx").build()));

        assertThat(result.phase()).isEqualTo(TaskPhase.ERROR);
        assertThat(result.message()).startsWith("no command and no args: in a container the entrypoint of image"
                + " nginx runs, which a local run cannot know; give the container a command, or map the image");
    }

    @Test
    void logLinesArriveWhileTheProcessStillRuns() throws Exception {
        RecordingListener listener = new RecordingListener();
        TaskExecution execution = runtime.start(Tasks.request(run, Tasks.container("live",
                Tasks.container("sh", "-c", "echo first; echo on-stderr >&2; sleep 1000").build())), listener);

        listener.firstLine.await();
        // Both lines come while the process sleeps; cancelling earlier could kill the shell between
        // its two echos.
        for (int i = 0; i < 1000 && listener.lines.size() < 2; i++) {
            Thread.sleep(10);
        }

        assertThat(execution.result()).isNotDone();
        assertThat(listener.lines.get(0)).isIn("first", "on-stderr");
        execution.cancel("seen");
        assertThat(execution.result().get().message()).isEqualTo("cancelled: seen");
        assertThat(listener.lines).containsExactlyInAnyOrder("first", "on-stderr");
    }

    @Test
    void theResultKeepsTheLast256KiBOfStdoutAndSaysItWasTruncated() throws Exception {
        RecordingListener listener = new RecordingListener();
        // 300,000 'a' on one line, then "END".
        TaskResult result = run(Tasks.container("big", Tasks.container("sh", "-c",
                "head -c 300000 /dev/zero | tr '\\0' a; echo; echo END").build()), listener);

        assertThat(result.result()).hasSize(256 * 1024).endsWith("a\nEND").startsWith("aaaa");
        assertThat(listener.statuses).anyMatch(s -> s.contains("truncated"));
        assertThat(listener.lines).last().isEqualTo("END");
    }

    @Test
    void nothingOfAnAttemptIsLeftInTheWorkRoot() throws Exception {
        run(Tasks.container("files", Tasks.container("sh", "-c", "echo x > /tmp/file").build()));

        Path attempts = temp.resolve("work/runs/basics/attempts");
        try (Stream<Path> left = Files.list(attempts)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aDagTemplateIsNotSomethingTheLocalRuntimeRuns() throws Exception {
        Template dag = Tasks.template("dag", TemplateType.DAG, null, null, Inputs.EMPTY, Outputs.EMPTY, List.of());

        TaskResult result = run(dag);

        assertThat(result.phase()).isEqualTo(TaskPhase.ERROR);
        assertThat(result.message()).contains("runs container and script templates").contains("dag");
    }

    @Test
    void manyAttemptsRunAtOnce() throws Exception {
        List<TaskExecution> executions = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            TaskRequest request = Tasks.request(run, Tasks.container("n" + i,
                    Tasks.container("sh", "-c", "echo " + i + " > /tmp/n; cat /tmp/n").build()));
            executions.add(runtime.start(request, new RecordingListener()));
        }
        for (int i = 0; i < executions.size(); i++) {
            assertThat(executions.get(i).result().get().result()).isEqualTo(Integer.toString(i));
        }
    }
}
