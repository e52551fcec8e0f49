package io.onepanel.workflow.journal;

import java.util.Objects;

/**
 * A template file's text as a run read it, kept beside the run's journal so the run can be rebuilt
 * from it exactly.
 *
 * @param name the file name diagnostics refer to (as given: {@code examples/dag-diamond.yaml})
 */
public record SourceText(String name, String text) {

    public SourceText {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(text, "text");
    }
}
