package io.onepanel.workflow.runtime.local;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.ArtifactStore;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.S3Source;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the artifact repository, over a directory: an artifact's S3 key is a path below
 * it, a file or a directory tree. Records what was fetched and stored.
 */
final class FakeArtifactStore implements ArtifactStore {

    final Path root;
    final List<String> fetched = new CopyOnWriteArrayList<>();
    final List<String> stored = new CopyOnWriteArrayList<>();

    FakeArtifactStore(Path root) {
        this.root = root;
    }

    /** Puts a file into the store under {@code key}. */
    void put(String key, String content) throws IOException {
        Path file = root.resolve(key);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    Path at(String key) {
        return root.resolve(key);
    }

    @Override
    public Artifact locate(Artifact output, Map<String, String> variables) {
        if (output.hasLocation()) {
            return output;
        }
        return output.withS3(S3Source.key(variables.get("workflow.name") + "/" + variables.get("pod.name") + "/"
                + output.name()));
    }

    @Override
    public void fetch(Artifact input, Path target, TransferListener listener) throws ArtifactException {
        Path source = root.resolve(input.s3().key());
        if (!Files.exists(source)) {
            if (input.optional()) {
                return;
            }
            throw new ArtifactException("key " + input.s3().key() + " does not exist");
        }
        try {
            FileTree.copy(source, target);
        } catch (IOException e) {
            throw new ArtifactException("cannot copy " + input.s3().key(), e);
        }
        fetched.add(input.s3().key());
    }

    @Override
    public Artifact store(Artifact output, Path source, TransferListener listener) throws ArtifactException {
        if (!Files.exists(source)) {
            if (output.optional()) {
                return null;
            }
            throw new ArtifactException(source + " does not exist");
        }
        Path target = root.resolve(output.s3().key());
        try {
            Files.createDirectories(target.getParent());
            Path partial = Files.createTempDirectory(target.getParent(), ".partial-").resolve("content");
            FileTree.copy(source, partial);
            FileTree.delete(target);
            Files.move(partial, target);
            Files.delete(partial.getParent());
        } catch (IOException e) {
            throw new ArtifactException("cannot store " + output.s3().key(), e);
        }
        stored.add(output.s3().key());
        return output;
    }
}
