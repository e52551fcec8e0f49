package io.onepanel.workflow.diagnostics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects every finding of one load or validation, so all are reported at once. */
public final class Diagnostics {

    private final List<Diagnostic> items = new ArrayList<>();

    public void add(Diagnostic d) {
        items.add(d);
    }

    public void error(SourcePosition at, String code, String message) {
        add(Diagnostic.error(at, code, message));
    }

    public void warning(SourcePosition at, String code, String message) {
        add(Diagnostic.warning(at, code, message));
    }

    public void addAll(List<Diagnostic> more) {
        items.addAll(more);
    }

    public boolean hasErrors() {
        return items.stream().anyMatch(Diagnostic::isError);
    }

    /** In file order, so a user can walk the template top to bottom. */
    public List<Diagnostic> sorted() {
        return items.stream()
                .sorted(Comparator.comparing((Diagnostic d) -> d.position().file())
                        .thenComparingInt(d -> d.position().line())
                        .thenComparingInt(d -> d.position().column()))
                .distinct()
                .toList();
    }
}
