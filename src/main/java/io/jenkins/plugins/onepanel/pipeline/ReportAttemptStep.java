package io.jenkins.plugins.onepanel.pipeline;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.onepanel.run.ActiveRun;
import io.jenkins.plugins.onepanel.run.ActiveRuns;
import io.onepanel.workflow.runtime.TaskPhase;
import io.onepanel.workflow.runtime.TaskResult;
import java.io.IOException;
import java.io.Serial;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * Driver operation {@code report}, after an attempt's {@code podTemplate { node { run } }} is over (so
 * once its pod is gone): tells the engine how the attempt ended. However the pod ended (image never
 * pulled, node lost, agent disconnected: see {@link AttemptEnd}) the branch goes on to the next
 * attempt: whether the run fails, retries or goes on is the engine's decision. Only a stop of the
 * build itself (or of a block around the step, such as {@code timeout}) fails it: this operation
 * then fails with that same interruption.
 */
final class ReportAttemptStep extends DriverStep {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String run;
    private final String attempt;

    @CheckForNull
    private final Throwable failure;

    private final boolean oneOfRetries;

    ReportAttemptStep(String run, String attempt, @CheckForNull Throwable failure, boolean oneOfRetries) {
        this.run = run;
        this.attempt = attempt;
        this.failure = failure;
        this.oneOfRetries = oneOfRetries;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, run, attempt, failure, oneOfRetries);
    }

    static final class Execution extends StepExecution {
        @Serial
        private static final long serialVersionUID = 1L;

        private final String runId;
        private final String attemptId;

        @CheckForNull
        private final Throwable failure;

        private final boolean oneOfRetries;

        Execution(StepContext context, String runId, String attemptId, @CheckForNull Throwable failure,
                boolean oneOfRetries) {
            super(context);
            this.runId = runId;
            this.attemptId = attemptId;
            this.failure = failure;
            this.oneOfRetries = oneOfRetries;
        }

        /** It reports to the engine, so on {@link Timer}, never on the CPS VM thread. */
        @Override
        public boolean start() throws Exception {
            Run<?, ?> build = getContext().get(Run.class);
            TaskListener listener = getContext().get(TaskListener.class);
            Timer.get().submit(() -> {
                try {
                    report(build, listener);
                } catch (Exception | LinkageError e) {
                    if (failure != null) {
                        e.addSuppressed(failure);
                    }
                    getContext().onFailure(e);
                }
            });
            return false;
        }

        private void report(Run<?, ?> build, TaskListener listener) throws AbortException {
            ActiveRun active = ActiveRuns.get().require(runId, build);
            ActiveRun.Attempt attempt = active.findAttempt(attemptId);
            boolean cancelledByEngine =
                    attempt != null && attempt.cancellation().isDone();
            AttemptEnd end = AttemptEnd.classify(failure, getContext(), cancelledByEngine);
            if (end == AttemptEnd.BUILD_STOPPED) {
                // Recorded explicitly: the run stops too, so the other branches end and no pod is left.
                active.buildStopped(AttemptEnd.describe(failure));
            }
            if (attempt != null) {
                TaskResult outcome = outcome(end, attempt);
                attempt.finish(outcome);
                attempt.releaseAgent();
                listener.getLogger().println("[" + attempt.request().taskName() + "] " + summary(outcome));
                mark(outcome.phase() == TaskPhase.SUCCEEDED ? null : outcome.message() != null
                                        && outcome.message().startsWith("cancelled: ")
                                ? Result.ABORTED
                                : Result.FAILURE,
                        summary(outcome));
            } else if (failure != null && end != AttemptEnd.BUILD_STOPPED) {
                // It ended already (its pod never started, or the run was cancelled): still not a success.
                mark(end == AttemptEnd.CANCELLED_BY_ENGINE ? Result.ABORTED : Result.FAILURE,
                        AttemptEnd.describe(failure));
            }
            if (end == AttemptEnd.BUILD_STOPPED) {
                getContext().onFailure(failure); // the build is being stopped: so is this branch
            } else {
                getContext().onSuccess(null);
            }
        }

        /**
         * Marks the attempt as Pipeline's views show a failed one (a {@link WarningAction} in
         * it, as {@code catchError(stageResult:)} does) without failing the branch: whether the run
         * fails is the engine's to say, and the build's result follows the run's.
         */
        private void mark(@CheckForNull Result result, String message) {
            if (result == null) {
                return;
            }
            if (oneOfRetries && result == Result.FAILURE) {
                // A task that retries shows its failed attempts as unstable: the task's own branch is
                // marked failed only when its last attempt has failed too (AwaitTaskStep's end of task).
                result = Result.UNSTABLE;
            }
            try {
                FlowNode node = getContext().get(FlowNode.class);
                if (node != null) {
                    node.addOrReplaceAction(new WarningAction(result).withMessage(message));
                }
            } catch (IOException | InterruptedException e) {
                // The views show the stage as it is; the run's record still has the attempt's phase.
            }
        }

        private TaskResult outcome(AttemptEnd end, ActiveRun.Attempt attempt) {
            boolean cancelledBeforeItRan = end == AttemptEnd.COMPLETED
                    && attempt.ranResult() == null
                    && attempt.cancellation().isDone();
            if (end == AttemptEnd.CANCELLED_BY_ENGINE || cancelledBeforeItRan) {
                return TaskResult.failed(
                        null, "cancelled: " + attempt.cancellation().join());
            }
            if (attempt.ranResult() != null) {
                return attempt.ranResult();
            }
            return switch (end) {
                case BUILD_STOPPED -> TaskResult.failed(null, "cancelled: the build was stopped");
                case AGENT_LOST ->
                    TaskResult.error("the task's pod or its agent went away: " + AttemptEnd.describe(failure));
                case FAILED -> TaskResult.error("the task's pod failed: " + AttemptEnd.describe(failure));
                default -> TaskResult.error("the task's pod ended without reporting a result");
            };
        }

        private static String summary(TaskResult r) {
            return switch (r.phase()) {
                case SUCCEEDED -> "Succeeded";
                case FAILED ->
                    "Failed" + (r.exitCode() != null ? " (exit code " + r.exitCode() + ")" : "")
                            + (r.message() != null ? ": " + r.message() : "");
                case ERROR -> "Error: " + r.message();
            };
        }

        @Override
        public void onResume() {
            getContext().onFailure(new AbortException(ActiveRuns.LOST));
        }
    }
}
