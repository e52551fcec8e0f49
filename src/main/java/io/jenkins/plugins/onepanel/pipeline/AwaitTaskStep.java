package io.jenkins.plugins.onepanel.pipeline;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.model.Run;
import io.jenkins.plugins.onepanel.run.ActiveRun;
import io.jenkins.plugins.onepanel.run.ActiveRuns;
import io.jenkins.plugins.onepanel.run.RunRef;
import java.io.Serial;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * Driver step: waits, without a thread and without polling, until the engine lets an attempt
 * run, and returns it to the worker branch ({@code id}, {@code name}, {@code podYaml}); returns
 * null when the run is over and the worker should stop.
 */
public class AwaitTaskStep extends Step implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String run;

    @DataBoundConstructor
    public AwaitTaskStep(String run) {
        this.run = run;
    }

    public String getRun() {
        return run;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, run);
    }

    static final class Execution extends StepExecution {
        @Serial
        private static final long serialVersionUID = 1L;

        private final String runId;
        private volatile RunRef ref;
        private transient volatile boolean stopped;

        Execution(StepContext context, String runId) {
            super(context);
            this.runId = runId;
        }

        /** Everything that touches the engine runs on {@link Timer}, never on the CPS VM thread. */
        @Override
        public boolean start() throws Exception {
            Run<?, ?> build = getContext().get(Run.class);
            Timer.get().submit(() -> await(build));
            return false;
        }

        private void await(Run<?, ?> build) {
            ActiveRun active;
            try {
                active = ActiveRuns.get().require(runId, build);
            } catch (AbortException e) {
                getContext().onFailure(e);
                return;
            }
            ref = active.ref();
            active.nextAttempt().whenComplete((next, failure) -> {
                if (failure != null) {
                    getContext().onFailure(failure);
                } else if (stopped) {
                    // Nobody will run it: give it back as cancelled so the engine is not left waiting.
                    next.ifPresent(attempt -> attempt.abandon("its worker branch was stopped"));
                } else {
                    getContext().onSuccess(next.map(Execution::describe).orElse(null));
                }
            });
        }

        private static Map<String, Object> describe(ActiveRun.Attempt attempt) {
            Map<String, Object> task = new LinkedHashMap<>();
            task.put("id", attempt.id());
            task.put("name", attempt.request().taskName());
            task.put("attempt", attempt.request().attempt());
            task.put("podYaml", attempt.podYaml());
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

    @Extension
    public static class DescriptorImpl extends StepDescriptor {

        @Override
        public String getFunctionName() {
            return "onepanelTaskAwait";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Wait for the next task of an Onepanel workflow run (used by onepanelWorkflow)";
        }

        @Override
        public boolean isAdvanced() {
            return true;
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class);
        }
    }
}
