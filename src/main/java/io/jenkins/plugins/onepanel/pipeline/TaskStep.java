package io.jenkins.plugins.onepanel.pipeline;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.onepanel.run.ActiveRun;
import io.jenkins.plugins.onepanel.run.ActiveRuns;
import io.jenkins.plugins.onepanel.run.RunRef;
import io.onepanel.workflow.runtime.TaskResult;
import java.io.Serial;
import java.io.Serializable;
import java.util.Set;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.steps.BodyExecution;
import org.jenkinsci.plugins.workflow.steps.BodyExecutionCallback;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * Driver step around one attempt's {@code podTemplate { node { onepanelTaskRun } }}: it reports the
 * attempt's result to the engine once its body is over (so once the pod is gone), and it stops the
 * body when the engine cancels the attempt (failFast, a deadline, the run's cancel), also while
 * the pod still waits to be scheduled.
 *
 * <p>However the pod ends (image never pulled, node lost, agent disconnected: see
 * {@link AttemptEnd}) the step itself succeeds, and the worker branch goes on to the next attempt:
 * whether the run fails, retries or goes on is the engine's decision. Only a stop of the build itself
 * (or of a block around the step, such as {@code timeout}) fails it.
 */
public class TaskStep extends Step implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String run;
    private final String attempt;

    @DataBoundConstructor
    public TaskStep(String run, String attempt) {
        this.run = run;
        this.attempt = attempt;
    }

    public String getRun() {
        return run;
    }

    public String getAttempt() {
        return attempt;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, run, attempt);
    }

    static final class Execution extends StepExecution {
        @Serial
        private static final long serialVersionUID = 1L;

        private final String runId;
        private final String attemptId;
        private volatile RunRef ref;
        private volatile BodyExecution body;

        Execution(StepContext context, String runId, String attemptId) {
            super(context);
            this.runId = runId;
            this.attemptId = attemptId;
        }

        /** Everything that touches the engine runs on {@link Timer}, never on the CPS VM thread. */
        @Override
        public boolean start() throws Exception {
            Run<?, ?> build = getContext().get(Run.class);
            Timer.get().submit(() -> {
                try {
                    begin(build);
                } catch (Exception | LinkageError e) {
                    getContext().onFailure(e);
                }
            });
            return false;
        }

        private void begin(Run<?, ?> build) throws AbortException {
            ActiveRun active = ActiveRuns.get().require(runId, build);
            ref = active.ref();
            ActiveRun.Attempt attempt = active.attempt(attemptId);
            if (!attempt.claim()) {
                getContext().onSuccess(null); // the run was cancelled before this task began
                return;
            }
            if (attempt.cancellation().isDone()) {
                attempt.finish(TaskResult.failed(null, "cancelled: " + attempt.cancellation().join()));
                getContext().onSuccess(null);
                return;
            }
            String task = attempt.request().taskName();
            BodyExecution started = getContext()
                    .newBodyInvoker()
                    .withCallback(new Report(runId, attemptId))
                    .start();
            body = started;
            // Not an interruption of the build: the engine stops one attempt (actualInterruption false).
            attempt.cancellation()
                    .thenAccept(reason -> started.cancel(
                            new FlowInterruptedException(Result.ABORTED, false, new TaskCancelled(task, reason))));
        }

        /** The engine's state is gone after a restart: stop the body; its pod is deleted with the run's. */
        @Override
        public void onResume() {
            try {
                if (ref != null) {
                    ref.lost(getContext().get(Run.class));
                }
            } catch (Exception e) {
                // Fails below either way.
            }
            if (body != null) {
                body.cancel(new AbortException(ActiveRuns.LOST));
            } else {
                getContext().onFailure(new AbortException(ActiveRuns.LOST));
            }
        }

        @Override
        public String getStatus() {
            return "running attempt " + attemptId + " of workflow run " + runId;
        }
    }

    /** Reports the attempt when its body ends. Serializable: it waits with the Pipeline program. */
    private static final class Report extends BodyExecutionCallback {
        @Serial
        private static final long serialVersionUID = 1L;

        private final String runId;
        private final String attemptId;

        Report(String runId, String attemptId) {
            this.runId = runId;
            this.attemptId = attemptId;
        }

        @Override
        public void onSuccess(StepContext context, Object result) {
            Timer.get().submit(() -> finish(context, null));
        }

        @Override
        public void onFailure(StepContext context, Throwable t) {
            Timer.get().submit(() -> finish(context, t));
        }

        /** Runs on {@link Timer}: it reports to the engine. */
        private void finish(StepContext context, @CheckForNull Throwable failure) {
            try {
                ActiveRun active = ActiveRuns.get().require(runId, context.get(Run.class));
                ActiveRun.Attempt attempt = active.findAttempt(attemptId);
                AttemptEnd end = AttemptEnd.classify(failure, context);
                if (end == AttemptEnd.BUILD_STOPPED) {
                    // Recorded explicitly: the run stops too, so the other workers end and no pod is left.
                    active.buildStopped(AttemptEnd.describe(failure));
                }
                if (attempt == null) { // already ended as cancelled, with the run
                    if (end == AttemptEnd.BUILD_STOPPED) {
                        context.onFailure(failure);
                    } else {
                        context.onSuccess(null);
                    }
                    return;
                }
                TaskResult outcome;
                if (end == AttemptEnd.CANCELLED_BY_ENGINE) {
                    outcome = TaskResult.failed(null, "cancelled: " + AttemptEnd.engineCancellation(failure).reason());
                } else if (attempt.ranResult() != null) {
                    outcome = attempt.ranResult();
                } else if (end == AttemptEnd.BUILD_STOPPED) {
                    outcome = TaskResult.failed(null, "cancelled: the build was stopped");
                } else if (end == AttemptEnd.AGENT_LOST) {
                    outcome = TaskResult.error("the task's pod or its agent went away: " + AttemptEnd.describe(failure));
                } else if (failure != null) {
                    outcome = TaskResult.error("the task's pod failed: " + AttemptEnd.describe(failure));
                } else {
                    outcome = TaskResult.error("the task's pod ended without reporting a result");
                }
                attempt.finish(outcome);
                TaskListener listener = context.get(TaskListener.class);
                listener.getLogger().println("[" + attempt.request().taskName() + "] " + summary(outcome));
                if (end == AttemptEnd.BUILD_STOPPED) {
                    context.onFailure(failure); // the build is being stopped: so is this worker
                } else {
                    context.onSuccess(null);
                }
            } catch (Exception e) {
                if (failure != null) {
                    e.addSuppressed(failure);
                }
                context.onFailure(e);
            }
        }

        private static String summary(TaskResult r) {
            return switch (r.phase()) {
                case SUCCEEDED -> "Succeeded";
                case FAILED -> "Failed" + (r.exitCode() != null ? " (exit code " + r.exitCode() + ")" : "")
                        + (r.message() != null ? ": " + r.message() : "");
                case ERROR -> "Error: " + r.message();
            };
        }
    }

    @Extension
    public static class DescriptorImpl extends StepDescriptor {

        @Override
        public String getFunctionName() {
            return "onepanelTask";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "One attempt of an Onepanel workflow task (used by onepanelWorkflow)";
        }

        @Override
        public boolean takesImplicitBlockArgument() {
            return true;
        }

        @Override
        public boolean isAdvanced() {
            return true;
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }
    }
}
