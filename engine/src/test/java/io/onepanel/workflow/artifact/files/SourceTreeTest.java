package io.onepanel.workflow.artifact.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.onepanel.workflow.artifact.ArtifactException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an output is made of, read without ever following a link out of it: links planted before the
 * scan are refused by the scan, a link swapped in after it is refused when the file is opened, and
 * special files and absurdly deep trees are refused without blocking or exhausting the reader.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES) // a hang guard only: a FIFO opened for reading would block
class SourceTreeTest {

    @TempDir
    Path tmp;

    @Test
    void aFileSwappedForALinkAfterTheScanIsRefusedWhenOpened() throws Exception {
        Path secret = Files.writeString(tmp.resolve("secret"), "secret");
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("model.bin"), "weights");
        SourceTree tree = SourceTree.scan(out);
        SourceTree.File model = tree.files().get(0);

        Files.delete(out.resolve("model.bin"));
        Files.createSymbolicLink(out.resolve("model.bin"), secret);

        assertThatThrownBy(model::open).isInstanceOf(LinkFreePath.LinkInPathException.class)
                .hasMessageContaining(out.resolve("model.bin").toString());
    }

    @Test
    void aDirectorySwappedForALinkAfterTheScanIsRefusedWhenAFileBelowItIsOpened() throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere/sub"));
        Files.writeString(elsewhere.resolve("f"), "secret");
        Path out = Files.createDirectories(tmp.resolve("out/sub"));
        Files.writeString(out.resolve("f"), "mine");
        SourceTree.File f = SourceTree.scan(tmp.resolve("out")).files().get(0);

        Files.delete(out.resolve("f"));
        Files.delete(out);
        Files.createSymbolicLink(out, elsewhere);

        assertThatThrownBy(f::open).isInstanceOf(LinkFreePath.LinkInPathException.class);
    }

    @Test
    void anOutputIsReadExactlyAsScanned() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out/a"));
        Files.writeString(out.resolve("x.txt"), "x");
        Files.createDirectories(tmp.resolve("out/empty"));

        SourceTree tree = SourceTree.scan(tmp.resolve("out"));

        assertThat(tree.directory()).isTrue();
        assertThat(tree.directories()).containsExactlyInAnyOrder("", "a", "empty");
        assertThat(tree.emptyDirectories()).containsExactly("empty");
        try (InputStream in = tree.files().get(0).open()) {
            assertThat(new String(in.readAllBytes())).isEqualTo("x");
        }
    }

    @Test
    void aFifoInsideAnOutputIsRefusedWithoutBeingOpened() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/mkfifo")), "mkfifo makes the FIFO");
        Path out = Files.createDirectories(tmp.resolve("out"));
        assertThat(new ProcessBuilder("/usr/bin/mkfifo", out.resolve("pipe").toString()).start().waitFor()).isZero();

        assertThatThrownBy(() -> SourceTree.scan(out)).isInstanceOf(ArtifactException.class)
                .hasMessage(out + ": 'pipe' is not a regular file");
        assertThatThrownBy(() -> LinkFreePath.open(out.resolve("pipe"))).hasMessageEndingWith("is not a regular file");
    }

    @Test
    void aTreeDeeperThanTheLimitIsRefused() throws Exception {
        Path out = tmp.resolve("out");
        Path deepest = out;
        for (int i = 0; i <= SourceTree.MAX_DEPTH; i++) {
            deepest = deepest.resolve("d");
        }
        Files.createDirectories(deepest);
        try {
            assertThatThrownBy(() -> SourceTree.scan(out)).isInstanceOf(ArtifactException.class)
                    .hasMessageContaining("is more than 1000 directories deep");
        } finally {
            // rm walks the tree relative to each directory; JUnit's clean-up takes half a minute here
            new ProcessBuilder("rm", "-rf", out.toString()).start().waitFor();
        }
    }

    @Test
    void theEnginesOwnDirectoriesAreResolvedOnceSoThatTheirLinksDoNotCount() throws Exception {
        Path real = Files.createDirectories(tmp.resolve("real"));
        Path linked = Files.createSymbolicLink(tmp.resolve("linked"), real);
        Files.writeString(real.resolve("out.txt"), "ok");

        assertThatThrownBy(() -> SourceTree.scan(linked.resolve("out.txt"))).hasMessageContaining("is a symbolic link");
        assertThat(LinkFreePath.resolvedOnce(linked.resolve("work/not-yet"))).isEqualTo(real.resolve("work/not-yet"));
        assertThat(SourceTree.scan(LinkFreePath.resolvedOnce(linked).resolve("out.txt")).bytes()).isEqualTo(2);
    }
}
