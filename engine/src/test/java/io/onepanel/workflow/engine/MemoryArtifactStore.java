package io.onepanel.workflow.engine;

import io.onepanel.workflow.artifact.ArtifactStore;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.S3Source;
import java.nio.file.Path;
import java.util.Map;

/** Gives outputs keys the Onepanel way and moves no bytes: for scheduler specifications. */
public final class MemoryArtifactStore implements ArtifactStore {

    @Override
    public Artifact locate(Artifact output, Map<String, String> variables) {
        if (output.hasLocation()) {
            return output;
        }
        return output.withS3(S3Source.key("artifacts/" + variables.get("workflow.namespace") + "/"
                + variables.get("workflow.name") + "/" + variables.get("pod.name") + "/" + output.name()));
    }

    @Override
    public void fetch(Artifact input, Path target, TransferListener listener) {}

    @Override
    public Artifact store(Artifact output, Path source, TransferListener listener) {
        return output;
    }
}
