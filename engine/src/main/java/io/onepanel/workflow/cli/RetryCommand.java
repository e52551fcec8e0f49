package io.onepanel.workflow.cli;

import io.onepanel.workflow.engine.RetryOptions;
import io.onepanel.workflow.journal.JournalDirectory;
import io.onepanel.workflow.validate.WorkflowValidator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "retry", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Starts a new run that reruns the failed, errored and cancelled tasks of an ended run and "
                + "every task after them, and reuses what succeeded with its outputs (parameters, and artifacts "
                + "where they were stored), as argo retry does. The new run has its own name and journal.",
                "Exit status: as for run."})
final class RetryCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    RecordedRunOptions recorded;

    @Option(names = "--from", paramLabel = "TASK", description = "Also rerun this task and every task after it, "
            + "although they succeeded (allowed for a run that succeeded).")
    String from;

    @Option(names = "--name", paramLabel = "NAME", description = "The new run's name; default: the template's name "
            + "and a random suffix.")
    String name;

    @Override
    public Integer call() {
        String badName = name == null ? null : WorkflowValidator.runNameProblem(name);
        if (badName != null) {
            spec.commandLine().getErr().println("onepanel-workflow: --name: " + badName);
            return ExitCodes.INVALID;
        }
        return recorded.attend(spec, (engine, run, progress, out) -> {
            boolean retriable = run.result().map(r -> !r.succeeded() || from != null).orElse(false);
            if (recorded.output == OutputFormat.text && retriable) {
                out.println("Retrying " + run.header().name() + " as a new run: "
                        + (from == null ? "its failed tasks" : "its failed tasks and " + from)
                        + " and every task after them run again; the rest is reused");
                out.flush();
            }
            return engine.retry(run, new RetryOptions(from, name,
                    JournalDirectory.under(recorded.runsOf(run).toAbsolutePath())), progress);
        });
    }
}
