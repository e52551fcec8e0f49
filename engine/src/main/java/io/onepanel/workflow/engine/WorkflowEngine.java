package io.onepanel.workflow.engine;

import io.onepanel.workflow.artifact.ArtifactStore;
import io.onepanel.workflow.diagnostics.Diagnostic;
import io.onepanel.workflow.runtime.TaskRuntime;
import io.onepanel.workflow.template.Workflow;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The engine's front door, and the only engine API the Jenkins plugin uses (pinned by
 * {@code WorkflowEngineFacadeTest}): load and validate a template, start a run on a runtime,
 * hear it through a {@link RunListener}, cancel it.
 */
public final class WorkflowEngine {

    private final TaskRuntime runtime;
    private final ArtifactStore artifacts;

    private WorkflowEngine(Builder builder) {
        this.runtime = Objects.requireNonNull(builder.runtime, "runtime");
        this.artifacts = Objects.requireNonNull(builder.artifacts, "artifacts");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads and statically validates a template; user errors are diagnostics, never exceptions. */
    public LoadResult load(String sourceName, String yamlText) {
        throw new UnsupportedOperationException("not yet");
    }

    public LoadResult load(Path file) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }

    /** The checks that need the run's parameters: required ones given, enums respected, no unknown names. */
    public List<Diagnostic> validate(Workflow workflow, Map<String, String> parameters) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Validates and starts a run; returns at once.
     *
     * @throws InvalidWorkflowException with every error when the workflow may not start: nothing ran
     */
    public WorkflowRun start(Workflow workflow, RunOptions options, RunListener listener) {
        throw new UnsupportedOperationException("not yet");
    }

    public static final class Builder {
        private TaskRuntime runtime;
        private ArtifactStore artifacts;

        public Builder runtime(TaskRuntime value) {
            this.runtime = value;
            return this;
        }

        /** Where output artifacts get their locations (keys) and where runtimes stage them. */
        public Builder artifacts(ArtifactStore value) {
            this.artifacts = value;
            return this;
        }

        public WorkflowEngine build() {
            return new WorkflowEngine(this);
        }
    }
}
