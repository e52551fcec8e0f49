package io.onepanel.workflow.pod;

import static io.onepanel.workflow.pod.Records.s3;
import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.artifact.ArtifactRepository;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.artifact.directory.DirectoryArtifactStore;
import io.onepanel.workflow.runtime.TaskPhase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stager (a pod's stager container or a Jenkins agent) reads what the main container left in
 * the exchange volume, which the main container can write: a symbolic link there, at an output's
 * path, above it, or in place of the gate's own files, is refused and never followed into the
 * stager's own files ({@code /proc/self/environ}, its credentials).
 */
class StagerLinksTest {

    private static final String SECRET = "AWS_SECRET_ACCESS_KEY=stager-secret";

    @TempDir
    Path tmp;

    Path exchange;
    Path secret;
    Path store;

    @BeforeEach
    void mainContainerIsDone() throws IOException {
        exchange = Files.createDirectories(tmp.resolve("exchange"));
        secret = Files.writeString(Files.createDirectories(tmp.resolve("stager-home")).resolve("environ"), SECRET);
        store = tmp.resolve("store");
        Files.writeString(exchange.resolve(PodContract.EXIT_CODE_FILE), "0\n");
        Files.writeString(exchange.resolve(PodContract.STDOUT_FILE), "done\n");
        Files.createFile(exchange.resolve(PodContract.MAIN_DONE));
    }

    private Path mainfs(String path) throws IOException {
        Path p = exchange.resolve("mainfs" + path);
        Files.createDirectories(p.getParent());
        return p;
    }

    private StagerReport stage(StagingPlan plan) throws Exception {
        Files.deleteIfExists(exchange.resolve(PodContract.INPUTS_STAGED)); // a fresh attempt each time
        return new Stager(new DirectoryArtifactStore(store, ArtifactRepository.onepanel("local")), exchange,
                Duration.ofMillis(10), TransferListener.NONE).run(plan);
    }

    private void assertNoSecret(StagerReport report) throws IOException {
        assertThat(report.toJson()).doesNotContain(SECRET);
        if (Files.exists(store)) {
            try (Stream<Path> files = Files.walk(store)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertThat(Files.readString(f)).doesNotContain(SECRET);
                }
            }
        }
    }

    @Test
    void anOutputParameterThatIsALinkIsRefused() throws Exception {
        Files.createSymbolicLink(mainfs("/tmp/p"), secret);

        StagerReport report = stage(new StagingPlan(List.of(), List.of(),
                List.of(new StagingPlan.OutputParameter("x", "/tmp/p", null))));

        assertThat(report.phase()).isEqualTo(TaskPhase.ERROR);
        assertThat(report.message()).isEqualTo("outputs could not be stored: output parameter 'x': /tmp/p is a"
                + " symbolic link; outputs are read where they are, never through a link");
        assertNoSecret(report);
    }

    @Test
    void anOutputArtifactThatIsALinkOrLiesBehindOneIsRefusedAndNothingIsStored() throws Exception {
        Files.createSymbolicLink(mainfs("/tmp/q"), secret);
        Files.createSymbolicLink(mainfs("/mnt/d"), secret.getParent());

        StagerReport top = stage(new StagingPlan(List.of(), List.of(s3("q", "/tmp/q", "k/q")), List.of()));
        StagerReport below = stage(new StagingPlan(List.of(), List.of(s3("d", "/mnt/d/environ", "k/d")), List.of()));

        assertThat(top.phase()).isEqualTo(TaskPhase.ERROR);
        assertThat(top.message()).startsWith("outputs could not be stored: /tmp/q is a symbolic link (to " + secret + ")");
        assertThat(below.message()).startsWith("outputs could not be stored: /mnt/d is a symbolic link");
        assertNoSecret(top);
        assertNoSecret(below);
        assertThat(store.resolve("local/k")).doesNotExist();
    }

    @Test
    void theGatesFilesReplacedByLinksAreNotFollowed() throws Exception {
        Files.delete(exchange.resolve(PodContract.STDOUT_FILE));
        Files.createSymbolicLink(exchange.resolve(PodContract.STDOUT_FILE), secret);
        StagerReport stdout = stage(new StagingPlan(List.of(), List.of(), List.of()));
        assertThat(stdout.phase()).isEqualTo(TaskPhase.ERROR);
        assertThat(stdout.message()).startsWith("the main container's standard output cannot be read: ")
                .endsWith("is a symbolic link; it is not followed");
        assertNoSecret(stdout);

        Files.delete(exchange.resolve(PodContract.EXIT_CODE_FILE));
        Files.createSymbolicLink(exchange.resolve(PodContract.EXIT_CODE_FILE), secret);
        StagerReport exitCode = stage(new StagingPlan(List.of(), List.of(), List.of()));
        assertThat(exitCode.message()).startsWith("the main container left no exit code: ");
        assertNoSecret(exitCode);
    }

    @Test
    void anExitCodeFileHoldingSomethingElseIsNotEchoed() throws Exception {
        Files.writeString(exchange.resolve(PodContract.EXIT_CODE_FILE), SECRET);

        StagerReport report = stage(new StagingPlan(List.of(), List.of(), List.of()));

        assertThat(report.message()).isEqualTo("the main container left no exit code: exit-code does not hold a number");
        assertNoSecret(report);
    }
}
