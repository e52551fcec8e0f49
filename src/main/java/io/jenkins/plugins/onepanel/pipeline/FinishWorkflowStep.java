package io.jenkins.plugins.onepanel.pipeline;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.onepanel.OnepanelRunAction;
import io.jenkins.plugins.onepanel.run.ActiveRun;
import io.jenkins.plugins.onepanel.run.ActiveRuns;
import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.NodeType;
import io.onepanel.workflow.engine.RunResult;
import java.io.PrintStream;
import java.io.Serial;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * Driver operation {@code finish}, after the task branches: waits for the run to be over (with {@code cancel: true},
 * cancels it first, for when the branches ended early), prints a summary, and returns the outputs
 * or fails the build with the run's failure.
 */
final class FinishWorkflowStep extends DriverStep {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String run;

    /** Cancel the run first, and do not fail: the driver is already failing for another reason. */
    private final boolean cancel;

    FinishWorkflowStep(String run, boolean cancel) {
        this.run = run;
        this.cancel = cancel;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, run, cancel);
    }

    static final class Execution extends StepExecution {
        @Serial
        private static final long serialVersionUID = 1L;

        private final String runId;
        private final boolean cancel;

        Execution(StepContext context, String runId, boolean cancel) {
            super(context);
            this.runId = runId;
            this.cancel = cancel;
        }

        /** Everything that touches the engine runs on {@link Timer}, never on the CPS VM thread. */
        @Override
        public boolean start() throws Exception {
            Run<?, ?> build = getContext().get(Run.class);
            PrintStream log = getContext().get(TaskListener.class).getLogger();
            Timer.get().submit(() -> {
                try {
                    finish(build, log);
                } catch (Exception | LinkageError e) {
                    getContext().onFailure(e);
                }
            });
            return false;
        }

        private void finish(Run<?, ?> build, PrintStream log) throws AbortException {
            ActiveRun active = ActiveRuns.get().find(runId, build);
            if (active == null) {
                if (cancel) {
                    getContext().onSuccess(null);
                    return;
                }
                throw new AbortException(ActiveRuns.LOST);
            }
            if (cancel) {
                active.cancel("its Pipeline branches ended early");
            }
            active.completion().whenComplete((result, failure) -> {
                active.forget();
                if (failure != null) {
                    getContext().onFailure(failure);
                    return;
                }
                printSummary(log, result);
                if (cancel) {
                    getContext().onSuccess(null);
                } else if (result.succeeded()) {
                    getContext().onSuccess(new LinkedHashMap<>(OnepanelRunAction.outputsOf(result)));
                } else {
                    getContext()
                            .onFailure(new AbortException("Workflow " + result.workflowName() + " "
                                    + result.phase().argoName()
                                    + (result.message() != null ? ": " + result.message() : "")
                                    + failedTasks(result)));
                }
            });
        }

        private static String failedTasks(RunResult result) {
            List<String> failed = result.nodes().stream()
                    .filter(n -> n.type() == NodeType.POD && n.phase().isFailure())
                    .map(n -> n.name() + (n.message() != null ? " (" + n.message() + ")" : ""))
                    .toList();
            return failed.isEmpty() ? "" : "; failed: " + String.join(", ", failed);
        }

        /** One line per task that ran or was skipped, indented under nested DAGs. */
        private static void printSummary(PrintStream log, RunResult result) {
            log.println(
                    "Workflow " + result.workflowName() + ": " + result.phase().argoName());
            Map<String, Integer> depth = new HashMap<>();
            for (NodeStatus n : result.nodes()) { // parents come before children
                depth.put(n.id(), n.parentId() == null ? 0 : depth.getOrDefault(n.parentId(), 0) + 1);
                if (n.type() == NodeType.POD || n.type() == NodeType.SKIPPED || n.type() == NodeType.SUSPEND) {
                    log.println("  " + "  ".repeat(Math.max(0, depth.get(n.id()) - 1)) + n.name() + "  "
                            + n.phase().argoName()
                            + (n.startedAt() != null
                                    ? "  " + Util.getTimeSpanString(n.duration().toMillis())
                                    : "")
                            + (n.exitCode() != null ? "  exit " + n.exitCode() : "")
                            + (n.message() != null && n.phase() != NodePhase.SUCCEEDED ? "  " + n.message() : ""));
                }
            }
            Map<String, String> outputs = OnepanelRunAction.outputsOf(result);
            if (!outputs.isEmpty()) {
                log.println("Outputs: "
                        + outputs.entrySet().stream()
                                .map(e -> e.getKey() + "=" + e.getValue())
                                .collect(Collectors.joining(", ")));
            }
        }

        /** Aborting the build while the run winds down still cancels it. */
        @Override
        public void stop(@NonNull Throwable cause) throws Exception {
            ActiveRun active = ActiveRuns.get().find(runId, getContext().get(Run.class));
            if (active != null) {
                Timer.get().submit(() -> active.buildStopped(AttemptEnd.describe(cause)));
            }
            getContext().onFailure(cause);
        }

        @Override
        public void onResume() {
            getContext().onFailure(new AbortException(ActiveRuns.LOST));
        }
    }
}
