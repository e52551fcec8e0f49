package io.onepanel.workflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.artifact.ArtifactRepository;
import io.onepanel.workflow.artifact.CredentialsResolver;
import io.onepanel.workflow.artifact.RoutingArtifactStore;
import io.onepanel.workflow.diagnostics.Diagnostic;
import io.onepanel.workflow.engine.LoadResult;
import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.RunListener;
import io.onepanel.workflow.engine.RunOptions;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.engine.WorkflowEngine;
import io.onepanel.workflow.engine.WorkflowRun;
import io.onepanel.workflow.pod.ImageEntrypoints;
import io.onepanel.workflow.runtime.local.LocalImages;
import io.onepanel.workflow.runtime.local.LocalRuntimeOptions;
import io.onepanel.workflow.runtime.local.LocalTaskRuntime;
import io.onepanel.workflow.template.Workflow;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The embedded default set up for a test: real processes in private mount namespaces and a
 * directory artifact repository (bucket {@value #BUCKET}) under a temporary directory.
 */
public final class LocalEngine implements AutoCloseable {

    public static final String BUCKET = "bucket";

    private final Path artifactRoot;
    private final LocalTaskRuntime runtime;
    private final WorkflowEngine engine;
    /** Every log line of the last runs, "node: line". */
    public final List<String> logs = Collections.synchronizedList(new ArrayList<>());

    /**
     * The images of the corpus whose containers give args but no command: argosay's args are its own
     * commands (echo, sleep, exit), which this machine has; so its args stand for the command line.
     */
    static final LocalImages IMAGES = new LocalImages(new ImageEntrypoints(List.of(
            new ImageEntrypoints.Entry("argoproj/argosay:*", List.of()))));

    public LocalEngine(Path temp) {
        this(temp, List.of());
    }

    public LocalEngine(Path temp, List<Workflow> library) {
        this.artifactRoot = temp.resolve("artifacts");
        try {
            // The directory repository, like S3, wants its bucket to exist.
            java.nio.file.Files.createDirectories(artifactRoot.resolve(BUCKET));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        RoutingArtifactStore store = RoutingArtifactStore.local(artifactRoot, ArtifactRepository.onepanel(BUCKET),
                CredentialsResolver.NONE);
        this.runtime = new LocalTaskRuntime(temp.resolve("work"), store, LocalRuntimeOptions.defaults(), IMAGES);
        this.engine = WorkflowEngine.builder().runtime(runtime).artifacts(store).library(library).build();
    }

    /** Where key {@code key} of the default bucket lives on disk. */
    public Path object(String key) {
        return artifactRoot.resolve(BUCKET).resolve(key);
    }

    public LoadResult load(Path file) throws Exception {
        return engine.load(file);
    }

    public LoadResult load(String yaml) {
        return engine.load("test.yaml", yaml);
    }

    public Workflow valid(LoadResult loaded) {
        assertThat(loaded.errors()).as("errors:%s", loaded.diagnostics().stream().map(Diagnostic::toString)
                .collect(Collectors.joining("\n  ", "\n  ", ""))).isEmpty();
        return loaded.workflow();
    }

    public WorkflowRun start(Workflow workflow, Map<String, String> parameters, RunListener extra) {
        RunListener listener = new RunListener() {
            @Override
            public void log(NodeStatus node, String line) {
                logs.add(node.name() + ": " + line);
                extra.log(node, line);
            }

            @Override
            public void nodeChanged(NodeStatus node) {
                extra.nodeChanged(node);
            }
        };
        return engine.start(workflow, RunOptions.withParameters(parameters), listener);
    }

    public RunResult run(Workflow workflow, Map<String, String> parameters) throws Exception {
        return start(workflow, parameters, RunListener.NONE).completion().get(90, TimeUnit.SECONDS);
    }

    public RunResult run(String yaml) throws Exception {
        return run(valid(load(yaml)), Map.of());
    }

    public RunResult run(Path file, Map<String, String> parameters) throws Exception {
        return run(valid(load(file)), parameters);
    }

    public static NodeStatus node(RunResult result, String name) {
        return result.nodes().stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no node '" + name + "' in " + describe(result)));
    }

    public static NodePhase phase(RunResult result, String name) {
        return node(result, name).phase();
    }

    /** The run as people read it: one "name=Phase" per node. */
    public static String describe(RunResult result) {
        return result.phase() + " " + result.message() + " " + result.nodes().stream()
                .map(n -> n.name() + "=" + n.phase() + (n.message() == null ? "" : "(" + n.message() + ")"))
                .toList();
    }

    @Override
    public void close() {
        runtime.close();
    }
}
