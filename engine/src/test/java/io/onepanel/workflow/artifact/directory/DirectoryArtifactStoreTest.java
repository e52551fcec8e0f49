package io.onepanel.workflow.artifact.directory;

import static io.onepanel.workflow.artifact.TestArtifacts.s3;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.ArtifactRepository;
import io.onepanel.workflow.artifact.ArtifactStore;
import io.onepanel.workflow.artifact.ArtifactStoreContract;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.template.ArchiveStrategy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The embedded default repository: a directory with S3's key semantics. */
class DirectoryArtifactStoreTest extends ArtifactStoreContract {

    private Path root() {
        return tmp.resolve("repository");
    }

    @Override
    protected ArtifactStore newStore(String bucket, ArchiveStrategy defaultArchive) {
        return new DirectoryArtifactStore(root(), ArtifactRepository.onepanel(bucket).withDefaultArchive(defaultArchive));
    }

    @Override
    protected void createBucket(String name) throws Exception {
        Files.createDirectories(root().resolve(name));
    }

    @Override
    protected void put(String bucket, String key, byte[] data) throws Exception {
        Path file = root().resolve(bucket).resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, data);
    }

    @Override
    protected List<String> keys(String bucket, String prefix) throws Exception {
        return ((DirectoryArtifactStore) store).list(bucket, prefix.isEmpty() ? "" : prefix);
    }

    @Test
    void layoutIsBucketSlashKeyUnderTheRoot() throws Exception {
        Path file = write(tmp.resolve("out/a.txt"), "A");
        store.store(s3("a", "/out/a.txt", "x/y/a.txt"), file, TransferListener.NONE);
        assertThat(root().resolve(bucket).resolve("x/y/a.txt")).hasContent("A");
        try (var left = Files.list(root().resolve(".staging"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void symbolicLinksOutOfTheRoot_areRefused() throws Exception {
        Path secret = write(tmp.resolve("outside/secret.txt"), "secret");
        Files.createSymbolicLink(root().resolve(bucket).resolve("leak"), secret.getParent());
        Path target = tmp.resolve("in/leak");
        assertThatThrownBy(() -> store.fetch(s3("leak", "/in/leak", "leak"), target, TransferListener.NONE))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> store.fetch(s3("leak", "/in/leak", "leak/secret.txt"), target, TransferListener.NONE))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("symbolic link");
        Path src = write(tmp.resolve("src/f.txt"), "f");
        assertThatThrownBy(() -> store.store(s3("leak", "/out", "leak/planted.txt"), src, TransferListener.NONE))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("symbolic link");
        assertThat(secret.getParent().resolve("planted.txt")).doesNotExist();
        assertThat(target).doesNotExist();
    }

    @Test
    void outputsThatLinkOutside_areRefused() throws Exception {
        Path out = tmp.resolve("out/dir");
        write(out.resolve("ok.txt"), "ok");
        Files.createSymbolicLink(out.resolve("passwd"), Path.of("/etc/passwd"));
        assertThatThrownBy(() -> store.store(s3("dir", "/out/dir", "dir"), out, TransferListener.NONE))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("points outside");
        assertThat(root().resolve(bucket).resolve("dir")).doesNotExist();
    }

    @Test
    void missingBucket_isNamed() {
        ArtifactStore other = newStore("no-such-bucket", ArchiveStrategy.NONE);
        assertThatThrownBy(() -> other.fetch(s3("in", "/in", "k"), tmp.resolve("in"), TransferListener.NONE))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("bucket 'no-such-bucket' does not exist");
    }

    @Test
    void aFreshArtifactDirectoryIsCreatedByTheFirstOutput() throws Exception {
        // As on a fresh checkout: neither the root nor the bucket exists yet.
        Path fresh = tmp.resolve("checkout/.onepanel-workflow/artifacts");
        ArtifactStore first = new DirectoryArtifactStore(fresh, ArtifactRepository.onepanel("local"));
        Path file = write(tmp.resolve("out/model.bin"), "weights");

        first.store(s3("model", "/out/model.bin", "artifacts/ns/wf/pod/model.bin"), file, TransferListener.NONE);

        assertThat(fresh.resolve("local/artifacts/ns/wf/pod/model.bin")).hasContent("weights");
    }

    @Test
    void aStoreErrorSaysWhatWentWrongInWords() throws Exception {
        // A file where the artifact directory should be: no directory can be made there.
        Path blocked = write(tmp.resolve("blocked"), "not a directory");
        ArtifactStore store = new DirectoryArtifactStore(blocked, ArtifactRepository.onepanel("local"));
        Path file = write(tmp.resolve("out/a.txt"), "A");

        assertThatThrownBy(() -> store.store(s3("a", "/out/a.txt", "k/a.txt"), file, TransferListener.NONE))
                .isInstanceOf(ArtifactException.class)
                .hasMessageStartingWith("artifact 'a': cannot create the artifact directory " + blocked.resolve("local"))
                .hasMessageContaining("Not a directory: " + blocked.resolve("local"));
    }
}
