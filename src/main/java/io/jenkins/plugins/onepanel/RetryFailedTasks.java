package io.jenkins.plugins.onepanel;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Action;
import hudson.model.CauseAction;
import hudson.model.Item;
import hudson.model.Job;
import hudson.model.ParametersAction;
import hudson.model.Queue;
import hudson.model.Run;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import jenkins.model.ParameterizedJobMixIn;
import jenkins.model.TransientActionFactory;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;
import org.kohsuke.stapler.interceptor.RequirePOST;

/**
 * <em>Retry failed tasks</em> on a build whose workflow run failed: starts a new build of the job, with
 * the same parameters, in which each workflow run reruns the failed, errored and cancelled tasks of
 * the same run of this build and everything after them, and takes over the rest with its outputs
 * (Argo's {@code retry}; {@link RetryCause}). Needs Job/Build.
 */
public final class RetryFailedTasks implements Action {

    private final Run<?, ?> build;

    RetryFailedTasks(Run<?, ?> build) {
        this.build = build;
    }

    @Override
    public String getIconFileName() {
        return build.getParent().hasPermission(Item.BUILD) ? "symbol-refresh" : null;
    }

    @Override
    public String getDisplayName() {
        return Messages.RetryFailedTasks_DisplayName();
    }

    @Override
    public String getUrlName() {
        return "onepanel-retry";
    }

    public Run<?, ?> getBuild() {
        return build;
    }

    /** For the view: the runs of the build, by their action's class. */
    public Class<OnepanelRunAction> getRunClass() {
        return OnepanelRunAction.class;
    }

    @RequirePOST
    public HttpResponse doRetry() throws IOException {
        Job<?, ?> job = build.getParent();
        job.checkPermission(Item.BUILD);
        if (!(job instanceof ParameterizedJobMixIn.ParameterizedJob<?, ?> buildable)) {
            return HttpResponses.errorWithoutStack(400, Messages.RetryFailedTasks_NotBuildable());
        }
        List<Action> actions = new ArrayList<>();
        actions.add(new CauseAction(new RetryCause(build)));
        ParametersAction parameters = build.getAction(ParametersAction.class);
        if (parameters != null) {
            actions.add(parameters);
        }
        Queue.Item queued = ParameterizedJobMixIn.scheduleBuild2(job, 0, actions.toArray(new Action[0]));
        if (queued == null) {
            return HttpResponses.errorWithoutStack(409, Messages.RetryFailedTasks_NotScheduled());
        }
        return HttpResponses.redirectTo("../../");
    }

    /** Offers the action on finished builds that have a failed workflow run with its journal. */
    @Extension
    @SuppressWarnings("rawtypes") // TransientActionFactory is keyed by the raw class, as core's own are
    public static final class Factory extends TransientActionFactory<Run> {

        @Override
        public Class<Run> type() {
            return Run.class;
        }

        /** Narrow, so that looking up a build's run actions (below) does not come back here. */
        @Override
        public Class<? extends Action> actionType() {
            return RetryFailedTasks.class;
        }

        @NonNull
        @Override
        public Collection<? extends Action> createFor(@NonNull Run target) {
            if (target.isBuilding() || !(target.getParent() instanceof ParameterizedJobMixIn.ParameterizedJob)) {
                return List.of();
            }
            for (Object o : target.getActions(OnepanelRunAction.class)) {
                OnepanelRunAction run = (OnepanelRunAction) o;
                if (run.isFailed()) {
                    return List.of(new RetryFailedTasks(target));
                }
            }
            return List.of();
        }
    }
}
