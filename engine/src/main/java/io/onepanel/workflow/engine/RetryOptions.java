package io.onepanel.workflow.engine;

import io.onepanel.workflow.journal.JournalDirectory;
import java.util.Objects;

/**
 * How to retry an ended run.
 *
 * @param from a task to rerun with every task after it although it succeeded, or null for only the
 *     failed, errored and cancelled tasks and what follows them
 * @param name the new run's name; null derives one from the template
 * @param directory where the new run's journal goes
 */
public record RetryOptions(String from, String name, JournalDirectory directory) {

    public RetryOptions {
        Objects.requireNonNull(directory, "directory");
    }
}
