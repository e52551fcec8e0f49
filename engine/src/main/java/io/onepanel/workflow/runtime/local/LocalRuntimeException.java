package io.onepanel.workflow.runtime.local;

/**
 * The local runtime cannot run an attempt as asked; the message is for the user and becomes the
 * attempt's {@link io.onepanel.workflow.runtime.TaskPhase#ERROR} message.
 */
final class LocalRuntimeException extends Exception {

    private static final long serialVersionUID = 1L;

    LocalRuntimeException(String message) {
        super(message);
    }

    LocalRuntimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
