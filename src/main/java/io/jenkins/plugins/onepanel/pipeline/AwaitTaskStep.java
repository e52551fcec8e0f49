package io.jenkins.plugins.onepanel.pipeline;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.model.Run;
import io.jenkins.plugins.onepanel.run.ActiveRun;
import io.jenkins.plugins.onepanel.run.ActiveRuns;
import io.jenkins.plugins.onepanel.run.RunRef;
import io.onepanel.workflow.runtime.TaskResult;
import java.io.Serial;
import java.util.LinkedHashMap;
import java.util.Map;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * Driver operation {@code await}: waits, without a thread and without polling, until the engine lets
 * an attempt run, and returns it to the worker branch ({@code id}, {@code name}, {@code label},
 * {@code podYaml}), taken up by that worker; returns null when the run is over and the worker should stop.
 */
final class AwaitTaskStep extends DriverStep {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String run;

    AwaitTaskStep(String run) {
        this.run = run;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, run);
    }

    static final class Execution extends StepExecution {
        @Serial
        private static final long serialVersionUID = 1L;

        private final String runId;
        private RunRef ref;
        private transient volatile boolean stopped;

        Execution(StepContext context, String runId) {
            super(context);
            this.runId = runId;
        }

        /**
         * Finding the run is plain bookkeeping, done at once so that the run's reference is saved
         * with the program; waiting for the engine runs on {@link Timer}, never on the CPS VM thread.
         */
        @Override
        public boolean start() throws Exception {
            ActiveRun active = ActiveRuns.get().require(runId, getContext().get(Run.class));
            ref = active.ref();
            Timer.get().submit(() -> next(active));
            return false;
        }

        private void next(ActiveRun active) {
            active.nextAttempt().whenComplete((next, failure) -> {
                if (failure != null) {
                    getContext().onFailure(failure);
                } else if (stopped) {
                    // Nobody will run it: give it back as cancelled so the engine is not left waiting.
                    next.ifPresent(attempt -> attempt.abandon("its worker branch was stopped"));
                } else if (next.isEmpty()) {
                    getContext().onSuccess(null);
                } else if (next.get().takeUp()) {
                    Timer.get().submit(() -> handOver(active, next.get()));
                } else {
                    next(active); // abandoned with a cancel meanwhile: the engine already has its result
                }
            });
        }

        /** Makes what the attempt's pod needs (its claims) and gives it to the worker; a failure is the attempt's Error. */
        private void handOver(ActiveRun active, ActiveRun.Attempt attempt) {
            try {
                attempt.prepare();
            } catch (RuntimeException e) {
                attempt.finish(TaskResult.error("task " + attempt.request().taskName() + ": " + e.getMessage()));
                next(active);
                return;
            }
            try {
                java.io.PrintStream log = getContext().get(hudson.model.TaskListener.class).getLogger();
                String prefix = "[" + attempt.request().taskName() + "] \u00bb ";
                attempt.watchStart(reason -> log.println(prefix + reason));
            } catch (Exception e) {
                attempt.watchStart(reason -> {});
            }
            getContext().onSuccess(describe(attempt));
        }

        private static Map<String, Object> describe(ActiveRun.Attempt attempt) {
            Map<String, Object> task = new LinkedHashMap<>();
            task.put("id", attempt.id());
            task.put("name", attempt.request().taskName());
            task.put("attempt", attempt.request().attempt());
            task.put("label", attempt.label());
            task.put("podYaml", attempt.podYaml());
            task.put("activeDeadlineSeconds", attempt.podDeadlineSeconds());
            return task;
        }

        /** Aborting the build (or a timeout around the step) cancels the whole run: no new task, no pod left. */
        @Override
        public void stop(@NonNull Throwable cause) throws Exception {
            stopped = true;
            ActiveRun active = ActiveRuns.get().find(runId, getContext().get(Run.class));
            if (active != null) {
                Timer.get().submit(() -> active.buildStopped(AttemptEnd.describe(cause)));
            }
            getContext().onFailure(cause);
        }

        @Override
        public void onResume() {
            try {
                if (ref != null) {
                    ref.lost(getContext().get(Run.class));
                }
            } catch (Exception e) {
                // The context is gone too; the step fails below either way.
            }
            getContext().onFailure(new AbortException(ActiveRuns.LOST));
        }

        @Override
        public String getStatus() {
            return "waiting for the workflow to let a task run";
        }
    }
}
