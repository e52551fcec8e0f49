package io.onepanel.workflow.cli;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.RoutingArtifactStore;
import io.onepanel.workflow.engine.InvalidWorkflowException;
import io.onepanel.workflow.engine.WorkflowEngine;
import io.onepanel.workflow.engine.WorkflowRun;
import io.onepanel.workflow.journal.JournalException;
import io.onepanel.workflow.journal.RecordedRun;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What {@code resume} and {@code retry} share: the recorded run they take up (by name, or by its
 * directory), set up again as {@code run} set it up (runtime, artifact repository, pod settings,
 * all from its journal; credentials from the environment, as always), and attended to its end.
 */
final class RecordedRunOptions {

    static final String DEFAULT_RUNS = ".onepanel-workflow/runs";

    @Parameters(index = "0", paramLabel = "NAME|DIR", description = "The run: its name (a directory of --runs) or "
            + "its directory.")
    String run;

    @Option(names = "--runs", paramLabel = "DIR", description = "Where runs keep their journals (default: "
            + DEFAULT_RUNS + ").")
    Path runs;

    @Option(names = "--output", paramLabel = "text|json", defaultValue = "text",
            description = "text (default) or json: the run's result as JSON on stdout, progress on stderr.")
    OutputFormat output;

    @picocli.CommandLine.Mixin
    PodStartTimeoutOption podStartTimeout;

    /** Tests set this; the command line detects it. */
    Terminal terminal;

    /** Starts the run that takes the recorded one up. */
    interface Start {
        WorkflowRun start(WorkflowEngine engine, RecordedRun recorded, ProgressDisplay progress, PrintWriter out);
    }

    /** The command that retries run {@code name} of {@code runs}, as a user types it. */
    static String retryCommand(String name, Path runs) {
        boolean usual = runs == null || runs.normalize().equals(Path.of(DEFAULT_RUNS));
        return "onepanel-workflow retry " + name + (usual ? "" : " --runs " + runs);
    }

    /** The directory of the run: {@code run} itself when it is a run's directory, else {@code runs/run}. */
    Path directory() {
        Path given = Path.of(run);
        if (Files.isRegularFile(given.resolve("journal.jsonl"))) {
            return given;
        }
        return (runs != null ? runs : Path.of(DEFAULT_RUNS)).resolve(run);
    }

    /** Where the runs of this command go: {@code --runs}, else beside the recorded run. */
    Path runsOf(RecordedRun recorded) {
        return runs != null ? runs : recorded.directory().toAbsolutePath().getParent();
    }

    int attend(CommandSpec spec, Start start) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RecordedRun recorded;
        try {
            recorded = RecordedRun.read(directory());
        } catch (JournalException e) {
            err.println("onepanel-workflow: " + e.getMessage());
            return ExitCodes.INVALID;
        }
        recorded.warnings().forEach(w -> err.println("onepanel-workflow: note: " + w));
        Map<String, String> env = System.getenv();
        Backend backend = Backend.of(recorded.header().settings()).withPodStartTimeout(podStartTimeout.value);
        Backend.Opened opened = backend.openOrSay(env, err);
        if (opened == null) {
            return ExitCodes.INVALID;
        }
        Terminal term = terminal != null ? terminal : Terminal.detect(env);
        PrintWriter progressOut = output == OutputFormat.json ? err : out;
        try (opened) {
            WorkflowEngine engine = opened.engine(backend.pods).installValues(opened.installValues()).build();
            RoutingArtifactStore store = opened.store();
            store.checkRepository();
            ProgressDisplay progress = new ProgressDisplay(progressOut, term);
            WorkflowRun run;
            try {
                run = start.start(engine, recorded, progress, progressOut);
            } catch (InvalidWorkflowException e) {
                progress.close();
                DiagnosticReport.printText(e.diagnostics(), recorded.header().template().name(), err);
                return ExitCodes.INVALID;
            } catch (JournalException | IllegalArgumentException e) {
                progress.close();
                err.println("onepanel-workflow: " + e.getMessage());
                return ExitCodes.INVALID;
            }
            return ForegroundRun.attend(run, progress, output, null,
                    retryCommand(run.info().workflowName(), runsOf(recorded)), term, out, err);
        } catch (ArtifactException e) {
            err.println("onepanel-workflow: " + e.getMessage());
            return ExitCodes.INVALID;
        }
    }
}
