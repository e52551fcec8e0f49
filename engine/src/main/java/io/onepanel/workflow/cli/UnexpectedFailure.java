package io.onepanel.workflow.cli;

/**
 * The last resort for a failure nobody turned into a message: one line naming it, never a stack
 * trace (which tells a user nothing they can act on, and may show data from inside the engine).
 */
final class UnexpectedFailure {

    private UnexpectedFailure() {}

    static String describe(Throwable e) {
        Throwable cause = e;
        while (cause.getMessage() == null && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? "" : cause.getMessage().strip();
        int newline = message.indexOf('\n');
        if (newline >= 0) {
            message = message.substring(0, newline).strip();
        }
        if (message.length() > 300) {
            message = message.substring(0, 300) + "...";
        }
        return "onepanel-workflow: internal error: " + cause.getClass().getSimpleName()
                + (message.isEmpty() ? "" : ": " + message)
                + " (this is a bug in onepanel-workflow; please report it with the command that caused it)";
    }
}
