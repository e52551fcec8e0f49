package io.onepanel.workflow.pod;

import io.onepanel.workflow.diagnostics.Diagnostic;
import java.util.List;
import java.util.stream.Collectors;

/** A task cannot become a pod; {@link #problems()} says why, each with its position. */
public class PodSpecException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient List<Diagnostic> problems;

    public PodSpecException(List<Diagnostic> problems) {
        super(problems.stream().map(Diagnostic::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Diagnostic> problems() {
        return problems;
    }
}
