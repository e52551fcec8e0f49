package io.onepanel.workflow.cli;

import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.RunSummary;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "resume", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Continues a run whose process died (killed, or the machine restarted), from its journal, "
                + "as the same run: tasks that ended keep their results and outputs and do not run again; tasks "
                + "that were running run again, or on Kubernetes are reattached to their pods where those still "
                + "exist (followed to their end, their outputs collected); retries, loop items and deadlines go on "
                + "as they were.",
                "Refuses a run that is still running (another process holds its lock) and one that ended.",
                "Exit status: as for run."})
final class ResumeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    RecordedRunOptions recorded;

    @Override
    public Integer call() {
        return recorded.attend(spec, (engine, run, progress, out) -> {
            List<NodeStatus> tasks = run.nodes().stream().filter(RunSummary::isTask).toList();
            long ended = tasks.stream().filter(n -> n.phase().isDone()).count();
            long running = tasks.stream().filter(n -> n.phase() == NodePhase.RUNNING).count();
            if (recorded.output == OutputFormat.text && !run.ended() && run.runningIn().isEmpty()) {
                boolean pods = "kubernetes".equals(run.header().settings().get("runtime"));
                out.println("Resuming " + run.header().name() + ": " + ended + " task" + (ended == 1 ? "" : "s")
                        + " had ended and keep their results, " + running + " " + (running == 1 ? "was" : "were")
                        + " running" + (!pods ? " and run again" : running == 1
                                ? ": reattached to its pod where that still exists, else run again"
                                : ": reattached to their pods where those still exist, else run again"));
                out.flush();
            }
            return engine.resume(run, progress);
        });
    }
}
