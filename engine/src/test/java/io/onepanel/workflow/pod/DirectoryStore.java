package io.onepanel.workflow.pod;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.ArtifactStore;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.template.Artifact;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.stream.Stream;

/** A test store: an artifact's S3 key is a path under a directory. */
final class DirectoryStore implements ArtifactStore {

    final Path root;

    DirectoryStore(Path root) {
        this.root = root;
    }

    @Override
    public Artifact locate(Artifact output, Map<String, String> variables) {
        return output;
    }

    @Override
    public void fetch(Artifact input, Path target, TransferListener listener) throws ArtifactException {
        Path source = root.resolve(input.s3().key());
        if (!Files.exists(source)) {
            if (input.optional()) {
                return;
            }
            throw new ArtifactException("input artifact '" + input.name() + "': no object " + input.s3().key());
        }
        copy(source, target);
    }

    @Override
    public Artifact store(Artifact output, Path source, TransferListener listener) throws ArtifactException {
        if (!Files.exists(source)) {
            if (output.optional()) {
                return null;
            }
            throw new ArtifactException("output artifact '" + output.name() + "': " + output.path() + " does not exist");
        }
        copy(source, root.resolve(output.s3().key()));
        return output;
    }

    static void copy(Path source, Path target) {
        try (Stream<Path> files = Files.walk(source)) {
            files.forEach(p -> {
                Path to = target.resolve(source.relativize(p).toString());
                try {
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else {
                        Files.createDirectories(to.getParent());
                        Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
