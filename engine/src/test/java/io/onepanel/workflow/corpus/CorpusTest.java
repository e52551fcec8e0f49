package io.onepanel.workflow.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.diagnostics.Diagnostic;
import io.onepanel.workflow.engine.LoadResult;
import io.onepanel.workflow.engine.MemoryArtifactStore;
import io.onepanel.workflow.engine.ScriptedRuntime;
import io.onepanel.workflow.engine.WorkflowEngine;
import io.onepanel.workflow.template.LoadedTemplate;
import io.onepanel.workflow.template.TemplateLoader;
import io.onepanel.workflow.template.Workflow;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file of the shared corpus, loaded and validated: a DAG-entrypoint workflow loads with no
 * error, anything else is rejected with a precise reason. Exceptions in either direction are listed
 * here, each with the diagnostic code it must produce and why.
 */
@NeedsCorpus
class CorpusTest {

    /** What a rejected file must say: its code and a fragment of the message naming the cause. */
    record Rejection(String code, String mentions, String why) {}

    /** DAG-entrypoint files that are rejected on purpose. */
    static final Map<String, Rejection> DAG_REJECTED = Map.of(
            "argo/examples__container-set-template__outputs-result-workflow.yaml",
            new Rejection("unsupported-template", "'group' is a containerSet template",
                    "containerSet templates are not supported"),
            "onepanel/core-docs__docs__reference__inference-apis__create-with-workflow-task.md__block1.yaml",
            new Rejection("unsupported-template", "'deploy' is a resource template",
                    "resource templates (kubectl create) are not supported"),
            "argo/examples__ci-workflowtemplate.yaml",
            new Rejection("onexit-not-dag", "'cache-store' is a container template",
                    "Onepanel requires the workflow's onExit template to be a DAG"),
            "argo/examples__expression-tag-template-workflow.yaml",
            new Rejection("invalid-expression", "sprig.date",
                    "uses expr closures ({# > 1}) and sprig.date, outside our bounded evaluator"),
            "argo/examples__dag-daemon-task.yaml",
            new Rejection("unsupported-daemon", "'influxdb' is a daemon",
                    "daemoned tasks (services kept running for later tasks) are not supported"),
            "argo/examples__dag-daemon-retry-strategy.yaml",
            new Rejection("unsupported-daemon", "'server' is a daemon",
                    "daemoned tasks (services kept running for later tasks) are not supported"),
            "onepanel/core-docs__docs__reference__workflows__templates.md__block4.yaml",
            new Rejection("unknown-template", "template 'echo' not found",
                    "a docs fragment: task A uses template 'echo', which the snippet does not define"));

    /** templateRef files, with the corpus files that define the referenced WorkflowTemplates. */
    static final Map<String, String> LIBRARIES = Map.of(
            "argo/examples__cluster-workflow-template__cluster-wftmpl-dag.yaml",
            "argo/examples__cluster-workflow-template__clustertemplates.yaml",
            "argo/examples__workflow-template__dag.yaml",
            "argo/examples__workflow-template__templates.yaml");

    /** Non-DAG files rejected with a code other than entrypoint-not-dag. */
    static final Map<String, Rejection> OTHER_REJECTED = Map.of(
            "argo/examples__cluster-workflow-template__clustertemplates.yaml",
            new Rejection("missing-entrypoint", "no 'entrypoint'",
                    "a library of ClusterWorkflowTemplates, meant for templateRef, not a runnable workflow"),
            "argo/examples__dag-inline-cronworkflow.yaml",
            new Rejection("unsupported-workflow-template-ref", "WorkflowTemplate 'dag-inline'",
                    "a CronWorkflow whose spec is only a workflowTemplateRef"),
            "onepanel/templates__sidecars__filesyncer__template.yaml",
            new Rejection("not-a-workflow", "Kubernetes Pod", "the filesyncer sidecar is a Pod spec"));


    static List<CorpusFiles.Entry> files() {
        return CorpusFiles.index();
    }

    private static WorkflowEngine engine(List<Workflow> library) {
        return WorkflowEngine.builder().runtime(new ScriptedRuntime(r -> ScriptedRuntime.Outcome.ok(0)))
                .artifacts(new MemoryArtifactStore()).library(library).build();
    }

    private static List<Workflow> library(String file) throws IOException {
        if (file == null) {
            return List.of();
        }
        LoadedTemplate loaded = new TemplateLoader().load(file,
                Files.readString(CorpusFiles.file(file)));
        List<Workflow> out = new ArrayList<>(loaded.library());
        if (loaded.workflow() != null) {
            out.add(0, loaded.workflow());
        }
        return out;
    }

    private static String describe(LoadResult r) {
        return r.diagnostics().stream().map(Diagnostic::toString).collect(Collectors.joining("\n  ", "\n  ", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void loadsOrIsRejectedPrecisely(CorpusFiles.Entry entry) throws IOException {
        LoadResult result = engine(library(LIBRARIES.get(entry.file()))).load(CorpusFiles.file(entry.file()));
        Rejection rejection = DAG_REJECTED.containsKey(entry.file()) ? DAG_REJECTED.get(entry.file())
                : OTHER_REJECTED.get(entry.file());
        if (rejection == null && entry.entry().equals("none")) {
            rejection = new Rejection("not-a-workflow", "workspace template", "Onepanel workspaces are not workflows");
        } else if (rejection == null && !entry.entry().equals("dag")) {
            String type = entry.entry().equals("other") ? "containerSet" : entry.entry();
            rejection = new Rejection("entrypoint-not-dag", "is a " + type + " template",
                    "Onepanel workflows start with a DAG");
        }
        if (rejection == null) {
            assertThat(result.workflow()).as("workflow of %s", entry).isNotNull();
            assertThat(result.errors()).as("errors of %s:%s", entry, describe(result)).isEmpty();
            return;
        }
        Rejection expected = rejection;
        assertThat(result.hasErrors()).as("%s must be rejected (%s)", entry, expected.why()).isTrue();
        assertThat(result.errors()).as("errors of %s:%s", entry, describe(result))
                .anySatisfy(d -> {
                    assertThat(d.code()).isEqualTo(expected.code());
                    assertThat(d.message()).contains(expected.mentions());
                });
        assertThat(result.errors()).as("every error of %s has a position:%s", entry, describe(result))
                .allSatisfy(d -> assertThat(d.position()).isNotNull());
    }

    @Test
    void everyListedFileIsInTheIndex() {
        List<String> indexed = CorpusFiles.index().stream().map(CorpusFiles.Entry::file).toList();
        assertThat(indexed).hasSizeGreaterThan(100)
                .containsAll(DAG_REJECTED.keySet()).containsAll(OTHER_REJECTED.keySet())
                .containsAll(LIBRARIES.keySet()).containsAll(LIBRARIES.values());
    }

    @Test
    void workspacesAreRejectedAsWorkspaces() throws IOException {
        List<CorpusFiles.Entry> workspaces = CorpusFiles.index().stream()
                .filter(e -> e.file().contains("__workspaces__")).toList();
        assertThat(workspaces).hasSize(7);
        for (CorpusFiles.Entry e : workspaces) {
            LoadResult r = engine(List.of()).load(CorpusFiles.file(e.file()));
            assertThat(r.errors()).as(e.file()).singleElement().satisfies(d -> {
                assertThat(d.code()).isEqualTo("not-a-workflow");
                assertThat(d.message()).contains("workspace template");
            });
        }
    }

    @Test
    void templateRefsWithoutTheirLibraryNameTheMissingTemplate() throws IOException {
        LoadResult r = engine(List.of()).load(CorpusFiles.file("argo/examples__workflow-template__dag.yaml"));
        assertThat(r.errors()).extracting(Diagnostic::code).containsOnly("unresolved-template-ref");
        assertThat(r.errors()).anySatisfy(d -> assertThat(d.message())
                .contains("workflow-template-inner-dag/inner-diamond"));
    }
}
