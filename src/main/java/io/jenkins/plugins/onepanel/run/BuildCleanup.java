package io.jenkins.plugins.onepanel.run;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.model.listeners.RunListener;

/**
 * A build that ends with a workflow run still going (a step failed in an unexpected way, the
 * build was killed) cancels it, so no task pod outlives its build.
 */
@Extension
public final class BuildCleanup extends RunListener<Run<?, ?>> {

    @Override
    public void onCompleted(Run<?, ?> build, @NonNull TaskListener listener) {
        for (ActiveRun run : ActiveRuns.get().of(build)) {
            if (!run.completion().isDone()) {
                listener.getLogger().println("Cancelling workflow " + run.name() + ": the build has ended");
            }
            run.cancel("the build has ended");
            run.forget();
        }
    }
}
