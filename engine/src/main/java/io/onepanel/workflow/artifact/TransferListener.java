package io.onepanel.workflow.artifact;

/** Receives progress of a transfer, for progress bars in the command line and in Jenkins. */
@FunctionalInterface
public interface TransferListener {

    void progress(TransferProgress progress);

    TransferListener NONE = p -> {};
}
