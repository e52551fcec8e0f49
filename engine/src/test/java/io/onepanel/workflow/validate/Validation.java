package io.onepanel.workflow.validate;

import io.onepanel.workflow.artifact.ArtifactStore;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.diagnostics.Diagnostic;
import io.onepanel.workflow.engine.LoadResult;
import io.onepanel.workflow.engine.WorkflowEngine;
import io.onepanel.workflow.runtime.TaskExecution;
import io.onepanel.workflow.runtime.TaskListener;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.runtime.TaskRuntime;
import io.onepanel.workflow.template.Artifact;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Loads templates through the engine's facade (loader, Onepanel conventions, templateRef
 * resolution, validator), with a runtime and an artifact store that are never used: a template
 * that is only loaded never runs.
 */
public final class Validation {

    public static final String FILE = "wf.yaml";

    private Validation() {}

    public static WorkflowEngine engine() {
        return WorkflowEngine.builder().runtime(new NoRuntime()).artifacts(new NoArtifacts()).build();
    }

    public static LoadResult load(String yaml) {
        return engine().load(FILE, yaml);
    }

    /** Every diagnostic as {@code line:column: severity: message}, in file order. */
    public static List<String> findings(String yaml) {
        return lines(load(yaml).diagnostics());
    }

    public static List<String> lines(List<Diagnostic> diagnostics) {
        return diagnostics.stream()
                .map(d -> d.position().line() + ":" + d.position().column() + ": " + d.severity().label() + ": "
                        + d.message())
                .toList();
    }

    /** The findings for the user's values (-p name=value) of a template that loads cleanly. */
    public static List<String> parameterFindings(String yaml, Map<String, String> values) {
        LoadResult r = load(yaml);
        if (r.workflow() == null) {
            throw new AssertionError("did not load: " + r.diagnostics());
        }
        return lines(engine().validate(r.workflow(), values));
    }

    private static final class NoRuntime implements TaskRuntime {
        @Override
        public TaskExecution start(TaskRequest request, TaskListener listener) {
            throw new AssertionError("validation must not run anything");
        }
    }

    private static final class NoArtifacts implements ArtifactStore {
        @Override
        public Artifact locate(Artifact output, Map<String, String> variables) {
            throw new AssertionError("validation must not touch artifacts");
        }

        @Override
        public void fetch(Artifact input, Path target, TransferListener listener) {
            throw new AssertionError("validation must not touch artifacts");
        }

        @Override
        public Artifact store(Artifact output, Path source, TransferListener listener) {
            throw new AssertionError("validation must not touch artifacts");
        }
    }
}
