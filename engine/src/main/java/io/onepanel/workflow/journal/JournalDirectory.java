package io.onepanel.workflow.journal;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a run's journal goes: a directory given for it (a Jenkins build's directory), or a directory
 * named after the run under a root (the command line's {@code .onepanel-workflow/runs/<run name>}).
 */
public record JournalDirectory(Path path, boolean perRun) {

    public JournalDirectory {
        Objects.requireNonNull(path, "path");
    }

    /** Exactly {@code directory}. */
    public static JournalDirectory at(Path directory) {
        return new JournalDirectory(directory, false);
    }

    /** {@code root/<run name>}. */
    public static JournalDirectory under(Path root) {
        return new JournalDirectory(root, true);
    }

    /** The directory of the run named {@code runName}. */
    public Path of(String runName) {
        return perRun ? path.resolve(runName) : path;
    }
}
