package io.onepanel.workflow.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onepanel.workflow.diagnostics.Diagnostic;
import io.onepanel.workflow.diagnostics.SourcePosition;
import io.onepanel.workflow.runtime.RunInfo;
import io.onepanel.workflow.runtime.TaskExecution;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.runtime.TaskRuntime;
import io.onepanel.workflow.runtime.external.ExternalTaskRuntime;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Pins the API the Jenkins plugin compiles against. The plugin cannot be built where our CI runs, so
 * a change to any signature here must fail this test first (and then be made in plugin/ too).
 */
class WorkflowEngineFacadeTest {

    @Test
    void theFacadeKeepsItsSignatures() throws Exception {
        assertThat(signatures(WorkflowEngine.class)).contains(
                "load(String,String) -> LoadResult",
                "load(Path) -> LoadResult",
                "validate(Workflow,Map) -> List",
                "start(Workflow,RunOptions,RunListener) -> WorkflowRun",
                "start(Workflow,RunOptions,RunListener,JournalTarget) -> WorkflowRun",
                "resume(RecordedRun,RunListener) -> WorkflowRun",
                "retry(RecordedRun,RetryOptions,RunListener) -> WorkflowRun",
                "newRunName(Workflow) -> String",
                "builder() -> Builder");
        assertThat(signatures(WorkflowEngine.Builder.class)).contains(
                "runtime(TaskRuntime) -> Builder",
                "artifacts(ArtifactStore) -> Builder",
                "check(TemplateCheck) -> Builder",
                "library(List) -> Builder",
                "onepanelConventions(boolean) -> Builder",
                "installValues(InstallValues) -> Builder",
                "build() -> WorkflowEngine");
        assertThat(signatures(WorkflowRun.class)).contains(
                "info() -> RunInfo", "completion() -> CompletableFuture", "cancel(String) -> void",
                "snapshot() -> List");
        assertThat(signatures(RunListener.class)).contains(
                "nodeChanged(NodeStatus) -> void", "log(NodeStatus,String) -> void",
                "status(NodeStatus,String) -> void", "transfer(NodeStatus,TransferProgress) -> void",
                "finished(RunResult) -> void");
        assertThat(signatures(TaskRuntime.class)).contains(
                "start(TaskRequest,TaskListener) -> TaskExecution", "resume(TaskRequest,TaskListener) -> TaskExecution",
                "finish(RunInfo,boolean) -> void",
                "close() -> void");
        assertThat(ExternalTaskRuntime.class.getConstructor(java.util.function.Consumer.class)).isNotNull();
        assertThat(signatures(RunListener.class)).contains("planned(NodeStatus,List) -> void", "settled(NodeStatus) -> void");
        assertThat(components(PlannedNode.class)).isEqualTo("id,name");
        assertThat(signatures(ExternalTaskRuntime.ExternalTask.class)).contains(
                "request() -> TaskRequest", "listener() -> TaskListener", "complete(TaskResult) -> void",
                "cancellation() -> CompletableFuture", "result() -> CompletableFuture", "cancel(String) -> void");
        assertThat(components(RunResult.class)).isEqualTo(
                "workflowName,phase,message,startedAt,finishedAt,outputs,nodes");
        assertThat(components(NodeStatus.class)).isEqualTo("id,name,parentId,type,templateName,phase,attempt,"
                + "podName,startedAt,finishedAt,exitCode,message,result,outputParameters,reusedFrom,progress");
        assertThat(components(RetryOptions.class)).isEqualTo("from,name,directory");
        assertThat(components(RunSummary.class)).isEqualTo(
                "workflowName,phase,message,startedAt,finishedAt,outputs,tasks,reused");
        assertThat(components(io.onepanel.workflow.journal.JournalTarget.class)).isEqualTo(
                "directory,template,library,settings");
        assertThat(components(io.onepanel.workflow.journal.JournalDirectory.class)).isEqualTo("path,perRun");
        assertThat(components(io.onepanel.workflow.journal.SourceText.class)).isEqualTo("name,text");
        assertThat(signatures(io.onepanel.workflow.journal.RecordedRun.class)).contains(
                "read(Path) -> RecordedRun", "nodes() -> List", "result() -> Optional", "summary() -> RunSummary",
                "ended() -> boolean", "runningIn() -> Optional", "header() -> RunHeader", "warnings() -> List");
        assertThat(components(RunOptions.class)).isEqualTo("parameters,name,namespace,failFast,parallelism");
        assertThat(components(LoadResult.class)).isEqualTo("workflow,diagnostics");
        assertThat(components(TaskRequest.class)).isEqualTo("run,taskName,podName,attempt,template,workflow,timeout");
        assertThat(components(TaskResult.class)).isEqualTo(
                "phase,exitCode,message,result,outputParameters,outputArtifacts");
        assertThat(components(RunInfo.class)).isEqualTo("workflowName,uid,namespace,creationTimestamp");
        assertThat(components(Diagnostic.class)).isEqualTo("severity,position,code,message");
        assertThat(components(SourcePosition.class)).isEqualTo("file,line,column,layout");
        assertThat(Arrays.stream(NodePhase.values()).map(NodePhase::argoName).toList())
                .containsExactly("Pending", "Running", "Succeeded", "Failed", "Error", "Skipped", "Omitted");
    }

    @Test
    void anInvalidWorkflowStartsNothingAndCarriesEveryError() {
        List<TaskRequest> started = new ArrayList<>();
        WorkflowEngine engine = WorkflowEngine.builder().runtime(recording(started)).artifacts(new MemoryArtifactStore())
                .build();
        LoadResult loaded = engine.load("broken.yaml", """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: A, template: ech0}
                    - {name: B, dependencies: [Z], template: echo}
                - name: echo
                  container: {image: alpine, command: [echo]}
                """);
        assertThat(loaded.errors()).extracting(Diagnostic::code).containsExactly("unknown-template", "unknown-task");
        assertThatThrownBy(() -> engine.start(loaded.workflow(), RunOptions.withParameters(Map.of()), RunListener.NONE))
                .isInstanceOf(InvalidWorkflowException.class)
                .hasMessageContaining("broken.yaml:6:")
                .hasMessageContaining("did you mean 'echo'");
        assertThat(started).isEmpty();
    }

    @Test
    void aRunNameThatIsNotAKubernetesNameStartsNothing() {
        List<TaskRequest> started = new ArrayList<>();
        WorkflowEngine engine = WorkflowEngine.builder().runtime(recording(started)).artifacts(new MemoryArtifactStore())
                .build();
        LoadResult loaded = engine.load("diamond.yaml", SchedulerTest.DIAMOND);
        for (String name : List.of("../escape", "UPPER case!")) {
            RunOptions options = new RunOptions(Map.of(), name, null, null, null);
            assertThatThrownBy(() -> engine.start(loaded.workflow(), options, RunListener.NONE))
                    .isInstanceOf(InvalidWorkflowException.class).hasMessageContaining("the run's name '" + name + "'");
        }
        assertThat(started).isEmpty();
    }

    @Test
    void aFileThatIsNotUtf8IsAnErrorAtItsFirstBadByte(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("binary.yaml");
        java.nio.file.Files.write(file, new byte[] {'e', 'n', 't', 'r', 'y', ':', ' ', (byte) 0xFF, '\n'});
        LoadResult loaded = WorkflowEngine.builder().runtime(recording(new ArrayList<>()))
                .artifacts(new MemoryArtifactStore()).build().load(file);
        assertThat(loaded.errors()).extracting(Diagnostic::code).containsExactly("not-utf8");
        assertThat(loaded.errors().get(0).position().line()).isEqualTo(1);
        assertThat(loaded.errors().get(0).position().column()).isEqualTo(8);
    }

    @Test
    void jenkinsWorkersTakeAttemptsFromTheExternalRuntimeAndReportBack() throws Exception {
        List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
        // One worker thread, as Jenkins runs each attempt elsewhere: "run", report, as each is handed out.
        java.util.concurrent.ExecutorService worker = java.util.concurrent.Executors.newSingleThreadExecutor();
        ExternalTaskRuntime runtime = new ExternalTaskRuntime(task -> worker.submit(() -> {
            order.add(task.request().taskName());
            task.listener().log("hello from " + task.request().taskName());
            task.complete(TaskResult.succeeded(null, Map.of(), List.of()));
        }));
        WorkflowEngine engine = WorkflowEngine.builder().runtime(runtime).artifacts(new MemoryArtifactStore()).build();
        LoadResult loaded = engine.load("diamond.yaml", SchedulerTest.DIAMOND);
        WorkflowRun run = engine.start(loaded.workflow(), RunOptions.withParameters(Map.of()), RunListener.NONE);
        RunResult result = run.completion().get(30, TimeUnit.SECONDS);
        worker.shutdown();
        runtime.close();
        assertThat(result.phase()).isEqualTo(NodePhase.SUCCEEDED);
        assertThat(order.get(0)).isEqualTo("A");
        assertThat(order.subList(1, 3)).containsExactlyInAnyOrder("B", "C");
        assertThat(order.get(3)).isEqualTo("D");
    }

    private static TaskRuntime recording(List<TaskRequest> started) {
        return (request, listener) -> {
            started.add(request);
            return new TaskExecution() {
                @Override
                public CompletableFuture<TaskResult> result() {
                    return CompletableFuture.completedFuture(TaskResult.succeeded(null, Map.of(), List.of()));
                }

                @Override
                public void cancel(String reason) {}
            };
        };
    }

    private static List<String> signatures(Class<?> type) {
        List<String> out = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && m.getDeclaringClass() != Object.class) {
                String params = String.join(",", Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName).toList());
                out.add(m.getName() + "(" + params + ") -> " + m.getReturnType().getSimpleName());
            }
        }
        return out;
    }

    private static String components(Class<?> record) {
        return String.join(",", Arrays.stream(record.getRecordComponents()).map(c -> c.getName()).toList());
    }
}
