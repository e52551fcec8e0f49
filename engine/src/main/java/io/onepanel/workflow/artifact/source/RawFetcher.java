package io.onepanel.workflow.artifact.source;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.ProgressMeter;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.artifact.files.StagedTarget;
import io.onepanel.workflow.template.Artifact;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code raw:} inputs: the inline data written to the artifact's path. */
public final class RawFetcher {

    public void fetch(Artifact input, Path target, TransferListener listener) throws ArtifactException {
        byte[] data = input.raw().data() == null ? new byte[0] : input.raw().data().getBytes(StandardCharsets.UTF_8);
        ProgressMeter meter = new ProgressMeter(listener, input.name(), data.length, 1);
        meter.start();
        try (StagedTarget staged = StagedTarget.create(target)) {
            Files.write(staged.content(), data);
            staged.commit(staged.content(), input.mode());
            meter.fileDone(data.length);
        } catch (IOException e) {
            throw new ArtifactException("artifact '" + input.name() + "': cannot write raw data: " + e.getMessage(), e);
        }
    }
}
