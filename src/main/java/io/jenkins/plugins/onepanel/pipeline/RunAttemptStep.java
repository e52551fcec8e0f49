package io.jenkins.plugins.onepanel.pipeline;

import hudson.AbortException;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import io.jenkins.plugins.onepanel.run.ActiveRun;
import io.jenkins.plugins.onepanel.run.ActiveRuns;
import io.jenkins.plugins.onepanel.run.BuiltInNodeTasks;
import io.jenkins.plugins.onepanel.run.RunRef;
import io.jenkins.plugins.onepanel.run.TaskLogStream;
import io.jenkins.plugins.onepanel.run.TaskStaging;
import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.pod.StagingPlan;
import io.onepanel.workflow.runtime.TaskResult;
import java.io.PrintStream;
import java.io.Serial;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;

/**
 * Driver operation {@code run} inside the attempt's {@code node}: plays the stager role of the engine's staging
 * contract in the agent container of the task's pod (inputs in, the task's container released,
 * its log followed, outputs out), with URLs the controller signs for this attempt just now. The log
 * of the task's container streams into the build log line by line, each line with the task's name
 * in front, and into the task's own log on the build page.
 */
final class RunAttemptStep extends DriverStep {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String run;
    private final String attempt;

    RunAttemptStep(String run, String attempt) {
        this.run = run;
        this.attempt = attempt;
    }

    /** The run's reference is kept with the program at once, before the work goes to its own thread. */
    @Override
    public StepExecution start(StepContext context) throws Exception {
        RunRef ref = ActiveRuns.get().require(run, context.get(Run.class)).ref();
        return new Execution(context, run, attempt, ref);
    }

    /**
     * Blocks a thread of its own while the attempt runs. Stopping the step (the engine cancels the
     * attempt, or the build is stopped) interrupts that thread, which cancels the call on the agent;
     * the engine's cancel stops it with {@link TaskCancelled}, which ends the {@code node} and the pod.
     */
    static final class Execution extends SynchronousNonBlockingStepExecution<Void> {
        @Serial
        private static final long serialVersionUID = 1L;

        private final String runId;
        private final String attemptId;
        private final RunRef ref;
        private transient AtomicBoolean over;

        Execution(StepContext context, String runId, String attemptId, RunRef ref) {
            super(context);
            this.runId = runId;
            this.attemptId = attemptId;
            this.ref = ref;
        }

        @Override
        protected Void run() throws Exception {
            Run<?, ?> build = getContext().get(Run.class);
            ActiveRun active = ActiveRuns.get().require(runId, build);
            ActiveRun.Attempt attempt = active.attempt(attemptId);
            if (attempt.cancellation().isDone()) {
                return null; // cancelled while its pod started: the report says so
            }
            over = new AtomicBoolean();
            String task = attempt.request().taskName();
            attempt.cancellation().thenAccept(reason -> {
                if (over.compareAndSet(false, true)) {
                    try {
                        stop(new FlowInterruptedException(Result.ABORTED, false, new TaskCancelled(task, reason)));
                    } catch (Exception e) {
                        getContext().onFailure(e);
                    }
                }
            });
            try {
                runAttempt(active, attempt);
            } finally {
                over.set(true);
            }
            return null;
        }

        private void runAttempt(ActiveRun active, ActiveRun.Attempt attempt) throws Exception {
            PrintStream log = getContext().get(TaskListener.class).getLogger();
            String prefix = "[" + attempt.request().taskName() + "] ";

            try (TaskLogStream lines = new TaskLogStream(line -> {
                        log.println(prefix + line);
                        attempt.listener().log(line);
                    });
                    TaskLogStream notes = new TaskLogStream(note -> {
                        log.println(prefix + "\u00bb " + note);
                        attempt.listener().status(note);
                    })) {
                if (active.settings().builtInNode()) {
                    attempt.ran(BuiltInNodeTasks.run(
                            attempt.request(),
                            getContext().get(Launcher.class),
                            getContext().get(FilePath.class),
                            lines));
                    return;
                }
                StagingPlan plan = attempt.plan();
                if (plan == null) {
                    attempt.ran(TaskResult.error("the attempt has no staging plan"));
                    return;
                }
                TaskStaging.Signed signed;
                try {
                    signed = active.staging().sign(plan);
                } catch (ArtifactException e) {
                    attempt.ran(TaskResult.error(e.getMessage()));
                    return;
                }
                Future<TaskStaging.AgentOutcome> onAgent =
                        active.staging().startOnAgent(channel(), signed, lines, notes);
                try {
                    attempt.ran(signed.toResult(onAgent.get()));
                } catch (InterruptedException e) {
                    onAgent.cancel(true);
                    throw e;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause() != null ? e.getCause() : e;
                    attempt.ran(TaskResult.error("staging in the task's pod failed: " + cause.getMessage()));
                }
            }
        }

        private VirtualChannel channel() throws Exception {
            Launcher launcher = getContext().get(Launcher.class);
            VirtualChannel channel = launcher == null ? null : launcher.getChannel();
            if (channel == null) {
                FilePath workspace = getContext().get(FilePath.class);
                channel = workspace == null ? null : workspace.getChannel();
            }
            if (channel == null) {
                throw new AbortException("the task's agent is not connected");
            }
            return channel;
        }

        @Override
        public void onResume() {
            try {
                if (ref != null) {
                    ref.lost(getContext().get(Run.class));
                }
            } catch (Exception e) {
                // Fails below either way.
            }
            getContext().onFailure(new AbortException(ActiveRuns.LOST));
        }
    }
}
