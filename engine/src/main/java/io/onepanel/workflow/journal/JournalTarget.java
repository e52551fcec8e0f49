package io.onepanel.workflow.journal;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A journal for a run: where it goes and what, besides the run's own events, it keeps so that the
 * run can be rebuilt without anything else: the template's text, its library's texts, and the
 * caller's settings (how the caller ran it: runtime, artifact repository; never a secret).
 *
 * @param template the text the run's workflow was loaded from
 * @param library the texts of the WorkflowTemplates {@code templateRef} may name, beside it
 * @param settings the caller's, given back as they were when the run is read
 */
public record JournalTarget(JournalDirectory directory, SourceText template, List<SourceText> library,
        Map<String, String> settings) {

    public JournalTarget {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(template, "template");
        library = List.copyOf(library);
        settings = Map.copyOf(settings);
    }
}
