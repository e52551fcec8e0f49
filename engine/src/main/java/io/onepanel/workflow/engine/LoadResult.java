package io.onepanel.workflow.engine;

import io.onepanel.workflow.diagnostics.Diagnostic;
import io.onepanel.workflow.template.Workflow;
import java.util.List;

/**
 * A template read from text, with every finding of loading and static validation.
 *
 * @param workflow null when the text could not be read as a workflow at all
 */
public record LoadResult(Workflow workflow, List<Diagnostic> diagnostics) {

    public LoadResult {
        diagnostics = List.copyOf(diagnostics);
    }

    public boolean hasErrors() {
        return workflow == null || diagnostics.stream().anyMatch(Diagnostic::isError);
    }

    public List<Diagnostic> errors() {
        return diagnostics.stream().filter(Diagnostic::isError).toList();
    }
}
