package io.jenkins.plugins.onepanel;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Cause;
import hudson.model.Run;
import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.journal.JournalException;
import io.onepanel.workflow.journal.RecordedRun;

/**
 * Why a build started: to retry the failed tasks of an earlier build's workflow runs
 * ({@link RetryFailedTasks}). Each {@code onepanelWorkflow} call of the new build finds here the
 * earlier build's run of the same index and, when that run failed, retries it instead of starting
 * afresh: what succeeded there is taken over.
 */
public final class RetryCause extends Cause {

    private final String earlierBuild;

    public RetryCause(@NonNull Run<?, ?> earlier) {
        this.earlierBuild = earlier.getExternalizableId();
    }

    @NonNull
    public String getEarlierBuild() {
        return earlierBuild;
    }

    @Override
    public String getShortDescription() {
        Run<?, ?> earlier = Run.fromExternalizableId(earlierBuild);
        return Messages.RetryCause_ShortDescription(earlier == null ? earlierBuild : earlier.getFullDisplayName());
    }

    /**
     * The earlier build's run that a run with {@code index} of this build retries: its journal, when
     * that run ended as a failure; null when there is none to retry (the build is gone, it had no such
     * run, the run succeeded or never wrote its end).
     */
    @CheckForNull
    public RecordedRun runToRetry(int index) {
        Run<?, ?> earlier = Run.fromExternalizableId(earlierBuild);
        if (earlier == null) {
            return null;
        }
        for (OnepanelRunAction run : earlier.getActions(OnepanelRunAction.class)) {
            if (run.getIndex() != index || !run.isFailed()) {
                continue;
            }
            RecordedRun recorded;
            try {
                recorded = RecordedRun.read(run.directory().toPath());
            } catch (JournalException e) {
                return null; // a run from before runs had journals
            }
            // Only a run whose journal has its end can be retried; a lost one never wrote it.
            return recorded.result().map(r -> r.phase() != NodePhase.SUCCEEDED).orElse(false) ? recorded : null;
        }
        return null;
    }
}
