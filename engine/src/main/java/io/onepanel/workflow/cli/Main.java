package io.onepanel.workflow.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;

/** {@code onepanel-workflow}: validate, graph, run and render Onepanel/Argo DAG workflow templates. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        quietLogging();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> System.err.println(UnexpectedFailure.describe(e)));
        int status;
        try {
            status = commandLine(args).execute(args);
        } catch (Throwable e) { // an Error picocli lets through (StackOverflowError, OutOfMemoryError)
            System.err.println(UnexpectedFailure.describe(e));
            status = ExitCodes.FAILED;
        }
        System.exit(status);
    }

    /**
     * Netty, below the S3 client, logs through java.util.logging when SLF4J has no binding, and its
     * warnings carry stack traces (e.g. channels still closing after a store shut its event loops
     * down at once). No stack trace may reach a user; the logger is kept so the level stays set.
     */
    private static final java.util.logging.Logger NETTY = java.util.logging.Logger.getLogger("io.netty");

    /**
     * The engine's libraries log through SLF4J, which the jar ships without a binding; SLF4J's
     * three-line complaint about that would end every run. Initialise it with stderr muted.
     */
    private static void quietLogging() {
        NETTY.setLevel(java.util.logging.Level.OFF);
        PrintStream err = System.err;
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        try {
            org.slf4j.LoggerFactory.getILoggerFactory();
        } catch (LinkageError absent) {
            // no SLF4J at all: nothing to quiet
        } finally {
            System.setErr(err);
        }
    }

    /** The subcommands, in the order help lists them. */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("validate", ValidateCommand::new);
        SUBCOMMANDS.put("graph", GraphCommand::new);
        SUBCOMMANDS.put("run", RunCommand::new);
        SUBCOMMANDS.put("resume", ResumeCommand::new);
        SUBCOMMANDS.put("retry", RetryCommand::new);
        SUBCOMMANDS.put("render", RenderCommand::new);
        SUBCOMMANDS.put("stage", StageCommand::new);
    }

    /** The whole command tree; tests call {@code execute} on it with their own out/err writers. */
    public static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command tree for these arguments: when the first names a subcommand, only that one is
     * built. picocli reads every option of every command it builds, by reflection, which was a
     * third of a short command's start-up (the stager's and {@code validate}'s); help and unknown
     * commands get the whole tree.
     */
    static CommandLine commandLine(String[] args) {
        CommandLine cl = new CommandLine(new OnepanelWorkflowCommand());
        Supplier<Object> only = args.length > 0 ? SUBCOMMANDS.get(args[0]) : null;
        if (only != null) {
            cl.addSubcommand(args[0], only.get());
        } else {
            SUBCOMMANDS.forEach((name, command) -> cl.addSubcommand(name, command.get()));
        }
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println(UnexpectedFailure.describe(e));
            command.getErr().flush();
            return ExitCodes.FAILED;
        });
        return cl;
    }
}
