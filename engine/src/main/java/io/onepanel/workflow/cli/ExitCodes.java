package io.onepanel.workflow.cli;

/** The exit statuses of every command. */
final class ExitCodes {

    static final int OK = 0;
    /** The workflow ran and failed or errored. */
    static final int FAILED = 1;
    /** The template, a parameter or an option is wrong: nothing ran. */
    static final int INVALID = 2;
    /** SIGINT (Ctrl-C): the run was cancelled and cleaned up; 128 + 2, as a shell reports it. */
    static final int INTERRUPTED = 130;
    /** SIGTERM: the run was cancelled and cleaned up; 128 + 15, as a shell reports it. */
    static final int TERMINATED = 143;

    private ExitCodes() {}
}
