package io.onepanel.workflow.template;

import io.onepanel.workflow.diagnostics.Diagnostic;
import java.util.List;

/**
 * What a template file held: its workflow (null if none could be read), the other documents of
 * the file (WorkflowTemplates that {@code templateRef} may name), and what was found while reading.
 */
public record LoadedTemplate(Workflow workflow, List<Workflow> library, List<Diagnostic> diagnostics) {

    public LoadedTemplate {
        library = List.copyOf(library);
        diagnostics = List.copyOf(diagnostics);
    }
}
