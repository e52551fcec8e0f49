package io.onepanel.workflow.cli;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.RoutingArtifactStore;
import java.io.PrintWriter;

/**
 * The check of the artifact repository before anything runs (for S3, one HeadBucket), answering
 * SIGINT (Ctrl-C) and SIGTERM as a run does: the check stops at once, the command says which signal
 * it was and that nothing ran, and exits with the signal's status.
 */
final class RepositoryPreflight {

    private RepositoryPreflight() {}

    /** @return null when the repository can be used, else the command's exit status (the reason is printed) */
    static Integer check(RoutingArtifactStore store, PrintWriter err) {
        Thread checking = Thread.currentThread();
        TerminationSignals signals = TerminationSignals.install(signal -> checking.interrupt());
        try {
            store.checkRepository();
            return null;
        } catch (ArtifactException e) {
            if (signals.received().isPresent()) {
                err.println("\n" + signals.received().get().description()
                        + " while checking the artifact repository; nothing ran.");
                return signals.received().get().exitCode();
            }
            err.println("onepanel-workflow: " + e.getMessage());
            return ExitCodes.INVALID;
        } finally {
            signals.close();
            Thread.interrupted(); // a signal that came as the check ended is spent here
            err.flush();
        }
    }
}
