package io.onepanel.workflow.journal;

/**
 * A journal that cannot be used as asked: not there, written by a newer engine, damaged, or held by
 * a run that is still alive. The message says which and what to do, in one line, for people.
 */
public class JournalException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public JournalException(String message) {
        super(message);
    }

    public JournalException(String message, Throwable cause) {
        super(message, cause);
    }
}
