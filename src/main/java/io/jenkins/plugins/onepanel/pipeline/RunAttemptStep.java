package io.jenkins.plugins.onepanel.pipeline;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Computer;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.onepanel.OnepanelWorkflowConfiguration;
import io.jenkins.plugins.onepanel.run.ActiveRun;
import io.jenkins.plugins.onepanel.run.ActiveRuns;
import io.jenkins.plugins.onepanel.run.AgentAttempt;
import io.jenkins.plugins.onepanel.run.BuiltInNodeTasks;
import io.jenkins.plugins.onepanel.run.RunRef;
import io.jenkins.plugins.onepanel.run.TaskLogStream;
import io.jenkins.plugins.onepanel.run.TaskStaging;
import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.runtime.TaskResult;
import java.io.PrintStream;
import java.io.Serial;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * Driver operation {@code run} inside the attempt's {@code node}: plays the stager role of the
 * engine's staging contract on the agent of the task's pod ({@link AgentAttempt}: inputs in, the
 * task's output followed, outputs out), with URLs the controller signs for this attempt just now.
 * The task's output streams into the build log line by line, each line with the task's name in
 * front, and into the task's own log on the build page.
 *
 * <p>Asynchronous: no thread waits for the task. A connection to the agent that drops and comes
 * back costs nothing but a call that is made again, as with {@code sh}.
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

    /** The run's reference is kept with the program at once. */
    @Override
    public StepExecution start(StepContext context) throws Exception {
        RunRef ref = ActiveRuns.get().require(run, context.get(Run.class)).ref();
        Computer computer = context.get(Computer.class);
        return new Execution(context, run, attempt, ref, computer == null ? null : computer.getName());
    }

    /**
     * Stopping the step (the engine cancels the attempt, or the build is stopped) stops the calls to
     * the agent; the engine's cancel stops it with {@link TaskCancelled}, which ends the {@code node}
     * and the pod.
     */
    static final class Execution extends StepExecution {
        @Serial
        private static final long serialVersionUID = 1L;

        private final String runId;
        private final String attemptId;
        private final RunRef ref;
        private final String agent;
        private transient volatile AgentAttempt onAgent;
        private transient volatile Future<?> onBuiltInNode;

        Execution(StepContext context, String runId, String attemptId, RunRef ref, String agent) {
            super(context);
            this.runId = runId;
            this.attemptId = attemptId;
            this.ref = ref;
            this.agent = agent;
        }

        /** Signing may list the bucket: it runs on {@link Timer}, never on the CPS VM thread. */
        @Override
        public boolean start() throws Exception {
            Run<?, ?> build = getContext().get(Run.class);
            ActiveRun active = ActiveRuns.get().require(runId, build);
            ActiveRun.Attempt attempt = active.attempt(attemptId);
            if (agent != null) {
                attempt.agentConnected(agent);
            }
            if (attempt.cancellation().isDone()) {
                getContext().onSuccess(null); // cancelled while its pod started: the report says so
                return true;
            }
            PrintStream log = getContext().get(TaskListener.class).getLogger();
            String prefix = "[" + attempt.request().taskName() + "] ";
            Consumer<String> lines = line -> {
                log.println(prefix + line);
                attempt.listener().log(line);
            };
            Consumer<String> notes = note -> {
                log.println(prefix + "\u00bb " + note);
                attempt.listener().status(note);
            };
            attempt.cancellation().thenAccept(reason -> stopForEngine(attempt.request().taskName(), reason));
            if (active.settings().builtInNode()) {
                Launcher launcher = getContext().get(Launcher.class);
                FilePath workspace = getContext().get(FilePath.class);
                onBuiltInNode = Timer.get().submit(() -> runOnBuiltInNode(attempt, launcher, workspace, lines));
            } else {
                Timer.get().submit(() -> runOnAgent(active, attempt, lines, notes));
            }
            return false;
        }

        private void runOnAgent(
                ActiveRun active, ActiveRun.Attempt attempt, Consumer<String> lines, Consumer<String> notes) {
            if (attempt.plan() == null || agent == null) {
                done(attempt, TaskResult.error("the attempt has no staging plan or no agent"));
                return;
            }
            TaskStaging.Signed signed;
            try {
                signed = active.staging().sign(attempt.plan());
            } catch (ArtifactException e) {
                done(attempt, TaskResult.error(e.getMessage()));
                return;
            }
            AgentAttempt running = AgentAttempt.start(
                    agent,
                    signed,
                    AgentAttempt.Position.START,
                    lines,
                    notes,
                    OnepanelWorkflowConfiguration.get().agentReconnectTimeout());
            onAgent = running;
            running.result().thenAccept(result -> done(attempt, result));
        }

        private void runOnBuiltInNode(
                ActiveRun.Attempt attempt, Launcher launcher, FilePath workspace, Consumer<String> lines) {
            try (TaskLogStream out = new TaskLogStream(lines)) {
                done(attempt, BuiltInNodeTasks.run(attempt.request(), launcher, workspace, out));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // stopped: the step has failed already
            } catch (Exception e) {
                done(attempt, TaskResult.error(e.getMessage() != null ? e.getMessage() : e.toString()));
            }
        }

        /** What ran is kept on the attempt until its pod is gone; the report tells the engine. */
        private void done(ActiveRun.Attempt attempt, TaskResult result) {
            if (!attempt.cancellation().isDone()) {
                attempt.ran(result);
                getContext().onSuccess(null);
            }
        }

        private void stopForEngine(String task, String reason) {
            halt();
            getContext()
                    .onFailure(new FlowInterruptedException(Result.ABORTED, false, new TaskCancelled(task, reason)));
        }

        @Override
        public void stop(@NonNull Throwable cause) {
            halt();
            getContext().onFailure(cause);
        }

        private void halt() {
            AgentAttempt running = onAgent;
            if (running != null) {
                running.stop();
            }
            Future<?> local = onBuiltInNode;
            if (local != null) {
                local.cancel(true);
            }
        }

        @Override
        public String getStatus() {
            AgentAttempt running = onAgent;
            return running == null ? "starting" : running.position().toString();
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
