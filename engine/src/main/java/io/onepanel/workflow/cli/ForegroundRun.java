package io.onepanel.workflow.cli;

import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.engine.WorkflowRun;
import java.io.PrintWriter;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A started run attended in the foreground, as {@code run}, {@code resume} and {@code retry} do:
 * its progress shows, SIGINT and SIGTERM cancel it and wait for the clean-up, and its end is a
 * summary table (or JSON) and the command's exit status.
 */
final class ForegroundRun {

    private static final long CANCEL_WAIT_SECONDS = 60;

    private ForegroundRun() {}

    /**
     * @param displayName the template's display name for the JSON result, or null
     * @param retryHint how to retry the run when it fails ("onepanel-workflow retry NAME"), or null
     */
    static int attend(WorkflowRun run, ProgressDisplay progress, OutputFormat output, String displayName,
            String retryHint, Terminal term, PrintWriter out, PrintWriter err) {
        // SIGINT and SIGTERM cancel the run; the command waits for the clean-up, then says which it was.
        TerminationSignals signals = TerminationSignals.install(signal -> {
            progress.close();
            err.println("\n" + signal.description() + ": cancelling " + run.info().workflowName()
                    + " and cleaning up...");
            err.flush();
            run.cancel("cancelled by SIG" + signal.name());
        });
        // Anything else that ends the JVM (SIGHUP, or a signal this JVM keeps for itself) still cancels.
        AtomicBoolean shutDown = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            shutDown.set(true);
            progress.close();
            err.println("\nThe command is being ended: cancelling " + run.info().workflowName()
                    + " and cleaning up...");
            err.flush();
            run.cancel("the command was ended");
            try {
                run.completion().get(CANCEL_WAIT_SECONDS, TimeUnit.SECONDS);
                err.println("Cancelled; nothing of the run is left running.");
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                err.println("Cancelled, but clean-up did not finish within " + CANCEL_WAIT_SECONDS + "s.");
            }
            err.flush();
        }, "onepanel-workflow-cancel");
        Runtime.getRuntime().addShutdownHook(hook);
        RunResult result;
        try {
            result = run.completion().join();
        } finally {
            signals.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is cancelling the run
            }
        }
        progress.close();
        if (signals.received().isPresent()) {
            err.println("Cancelled; nothing of the run is left running.");
            if (retryHint != null) {
                err.println("Run its cancelled tasks again with: " + retryHint);
            }
            err.flush();
            return signals.received().get().exitCode();
        }
        if (shutDown.get()) {
            return ExitCodes.INTERRUPTED;
        }
        if (output == OutputFormat.json) {
            out.println(RunResultJson.of(result, displayName));
            out.flush();
        } else {
            SummaryTable.print(result, term, out);
            if (!result.succeeded() && retryHint != null) {
                out.println(term.styled("2", "Rerun its failed tasks, keeping what succeeded: " + retryHint));
                out.flush();
            }
        }
        return result.succeeded() ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
