package io.jenkins.plugins.onepanel.pipeline;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.model.Result;
import hudson.model.Run;
import io.jenkins.plugins.onepanel.run.ActiveRun;
import io.jenkins.plugins.onepanel.run.ActiveRuns;
import io.jenkins.plugins.onepanel.run.RunRef;
import io.jenkins.plugins.onepanel.run.TaskBranches;
import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.PlannedNode;
import io.onepanel.workflow.runtime.TaskResult;
import java.io.IOException;
import java.io.Serial;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.actions.TagsAction;
import org.jenkinsci.plugins.workflow.actions.ThreadNameAction;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.graph.BlockStartNode;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * Driver operation {@code await}: what the branch of one task (or the driver, for the run's root)
 * does next, as soon as there is something: waits without a thread and without polling
 * ({@link TaskBranches}). Returns a map whose {@code kind} says which:
 * <ul>
 *   <li>{@code attempt}: an attempt of the task to run ({@code id}, {@code name}, {@code label},
 *       {@code podYaml}, {@code retry} when it is one of the task's retries), taken up by the branch;
 *   <li>{@code children}: tasks (or loop items, an exit handler) to run as branches of their own
 *       ({@code children}: a list of {@code id}, {@code name});
 *   <li>{@code done}: the task has nothing more to run; a failed or errored one is marked failed
 *       and one that never ran is marked skipped, as Pipeline's views read it.
 * </ul>
 */
final class AwaitTaskStep extends DriverStep {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * The tag Declarative puts on a stage its {@code when} skipped, which Pipeline Graph View and
     * Blue Ocean show as not built (pipeline-model-definition's StageStatus); a tag is plain text,
     * so no dependency on Declarative is needed to set it.
     */
    static final String STAGE_STATUS = "STAGE_STATUS";

    static final String SKIPPED_FOR_CONDITIONAL = "SKIPPED_FOR_CONDITIONAL";

    private final String run;
    private final String node;

    AwaitTaskStep(String run, String node) {
        this.run = run;
        this.node = node;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, run, node);
    }

    static final class Execution extends StepExecution {
        @Serial
        private static final long serialVersionUID = 1L;

        private final String runId;
        private final String nodeId;
        private RunRef ref;
        private transient volatile boolean stopped;

        Execution(StepContext context, String runId, String nodeId) {
            super(context);
            this.runId = runId;
            this.nodeId = nodeId;
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
            active.branches().next(nodeId).whenComplete((news, failure) -> {
                if (failure != null) {
                    getContext().onFailure(failure);
                } else if (news instanceof TaskBranches.AttemptReady ready) {
                    attempt(active, ready);
                } else if (news instanceof TaskBranches.Children children) {
                    getContext().onSuccess(describe(children));
                } else if (news instanceof TaskBranches.Done done) {
                    Timer.get().submit(() -> end(active, done));
                }
            });
        }

        private void attempt(ActiveRun active, TaskBranches.AttemptReady ready) {
            ActiveRun.Attempt attempt = ready.attempt();
            if (stopped) {
                // Nobody will run it: give it back as cancelled so the engine is not left waiting.
                attempt.abandon("its branch was stopped");
            } else if (attempt.takeUp()) {
                Timer.get().submit(() -> handOver(active, attempt, ready.oneOfRetries()));
            } else {
                next(active); // abandoned with a cancel meanwhile: the engine already has its result
            }
        }

        /** Makes what the attempt's pod needs (its claims) and gives it to the branch; a failure is the attempt's Error. */
        private void handOver(ActiveRun active, ActiveRun.Attempt attempt, boolean oneOfRetries) {
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
            getContext().onSuccess(describe(attempt, oneOfRetries));
        }

        /** The task is over: marks its branch as Pipeline's views should show it, then lets the branch end. */
        private void end(ActiveRun active, TaskBranches.Done done) {
            if (done.reused() != null) {
                try {
                    getContext().get(hudson.model.TaskListener.class).getLogger().println("[" + done.reused().task()
                            + "] " + done.phase().argoName() + " in " + done.reused().from() + ": taken over, not run again");
                } catch (IOException | InterruptedException e) {
                    // the page shows it too
                }
            }
            if (!nodeId.equals(active.branches().root())) {
                try {
                    mark(getContext().get(FlowNode.class), done);
                } catch (IOException | InterruptedException e) {
                    // The views show the branch as it is; the run's page still has the task's phase.
                }
            }
            Map<String, Object> end = new LinkedHashMap<>();
            end.put("kind", "done");
            end.put("phase", done.phase().argoName());
            getContext().onSuccess(end);
        }

        /**
         * A failed or errored task: a {@link WarningAction} in its branch, as {@code catchError(stageResult:)}
         * leaves one, so the branch is failed without the step failing (the build's result is the run's).
         * A task that never ran: its branch tagged as Declarative tags a stage its {@code when} skipped.
         */
        static void mark(FlowNode here, TaskBranches.Done done) throws IOException {
            if (done.phase().isFailure()) {
                here.addOrReplaceAction(new WarningAction(Result.FAILURE)
                        .withMessage(done.message() == null ? done.phase().argoName() : done.message()));
            } else if (done.phase() == NodePhase.SKIPPED || done.phase() == NodePhase.OMITTED) {
                for (BlockStartNode block : here.iterateEnclosingBlocks()) {
                    if (block.getPersistentAction(ThreadNameAction.class) != null) {
                        TagsAction tags = block.getPersistentAction(TagsAction.class);
                        if (tags == null) {
                            tags = new TagsAction();
                            block.addAction(tags);
                        }
                        tags.addTag(STAGE_STATUS, SKIPPED_FOR_CONDITIONAL);
                        block.save();
                        return;
                    }
                }
            }
        }

        private static Map<String, Object> describe(TaskBranches.Children children) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (PlannedNode child : children.children()) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("id", child.id());
                one.put("name", child.name());
                list.add(one);
            }
            Map<String, Object> news = new LinkedHashMap<>();
            news.put("kind", "children");
            news.put("children", list);
            return news;
        }

        private static Map<String, Object> describe(ActiveRun.Attempt attempt, boolean oneOfRetries) {
            Map<String, Object> task = new LinkedHashMap<>();
            task.put("kind", "attempt");
            task.put("id", attempt.id());
            task.put("name", attempt.request().taskName());
            task.put("attempt", attempt.request().attempt());
            task.put("retry", oneOfRetries);
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
            return "waiting for the workflow to let " + nodeId + " go on";
        }
    }
}
