package io.onepanel.workflow.engine;

import io.onepanel.workflow.diagnostics.Diagnostic;
import java.util.List;
import java.util.stream.Collectors;

/** A workflow that may not start: carries every error, each with its file:line:column. */
public class InvalidWorkflowException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<Diagnostic> diagnostics;

    public InvalidWorkflowException(List<Diagnostic> diagnostics) {
        super(diagnostics.stream().filter(Diagnostic::isError).map(Diagnostic::toString)
                .collect(Collectors.joining("\n")));
        this.diagnostics = List.copyOf(diagnostics);
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
