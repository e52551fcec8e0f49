package io.onepanel.workflow.artifact.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Only what a dead process left is removed: a directory whose lock file nobody holds. (That a run
 * killed with SIGKILL leaves exactly such a directory is {@code cli.LeftoversIT}.)
 */
class OwnedDirectoryTest {

    @TempDir
    Path parent;

    @Test
    void aDirectoryWhoseLockIsFreeIsRemovedWithItsSize() throws Exception {
        Path left = Files.createDirectories(parent.resolve("run-1"));
        Files.createFile(left.resolve("owner-999999999.lock")); // no process holds it
        Files.write(left.resolve("big.bin"), new byte[1000]);

        OwnedDirectory.Removed removed = OwnedDirectory.removeAbandoned(parent, d -> true);

        assertThat(removed).isEqualTo(new OwnedDirectory.Removed(1, 1000));
        assertThat(left).doesNotExist();
    }

    @Test
    void aDirectoryOfALivingOwnerOrWithoutALockOrRefusedIsKept() throws Exception {
        try (OwnedDirectory mine = OwnedDirectory.claim(parent.resolve("mine"))) {
            Path unlocked = Files.createDirectories(parent.resolve("being-made"));
            Path mounted = Files.createDirectories(parent.resolve("mounted"));
            Files.createFile(mounted.resolve("owner-999999999.lock"));

            OwnedDirectory.Removed removed = OwnedDirectory.removeAbandoned(parent, d -> !d.equals(mounted));

            assertThat(removed.isEmpty()).isTrue();
            assertThat(mine.directory()).isDirectory();
            assertThat(unlocked).isDirectory();
            assertThat(mounted).isDirectory();
        }
    }
}
