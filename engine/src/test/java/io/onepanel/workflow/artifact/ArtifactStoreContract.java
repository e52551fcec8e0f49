package io.onepanel.workflow.artifact;

import static io.onepanel.workflow.artifact.TestArtifacts.archived;
import static io.onepanel.workflow.artifact.TestArtifacts.optional;
import static io.onepanel.workflow.artifact.TestArtifacts.output;
import static io.onepanel.workflow.artifact.TestArtifacts.s3;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onepanel.workflow.template.ArchiveStrategy;
import io.onepanel.workflow.template.Artifact;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every artifact store does, whatever holds the bytes (S3, a local directory): the same key
 * semantics, archives, optional artifacts, errors and safety. Each store's test extends this.
 */
public abstract class ArtifactStoreContract {

    protected static final Map<String, String> VARIABLES = Map.of(
            "workflow.namespace", "team-a",
            "workflow.name", "inputs-outputs-x7k2p",
            "pod.name", "inputs-outputs-x7k2p-1234567",
            "workflow.parameters.model-path", "my-data/output");

    private static final AtomicInteger BUCKETS = new AtomicInteger();

    @TempDir
    protected Path tmp;

    protected String bucket;
    protected ArtifactStore store;

    /** A store whose default repository is {@code bucket}, Onepanel's defaults otherwise. */
    protected abstract ArtifactStore newStore(String bucket, ArchiveStrategy defaultArchive) throws Exception;

    protected abstract void createBucket(String name) throws Exception;

    /** Puts an object straight into the backing store (arranging a test). */
    protected abstract void put(String bucket, String key, byte[] data) throws Exception;

    /** The keys of every object under a prefix, sorted. */
    protected abstract List<String> keys(String bucket, String prefix) throws Exception;

    @BeforeEach
    void freshBucket() throws Exception {
        bucket = "bucket-" + getClass().getSimpleName().toLowerCase().replaceAll("[^a-z0-9]", "") + "-"
                + BUCKETS.incrementAndGet();
        createBucket(bucket);
        store = newStore(bucket, ArchiveStrategy.NONE);
    }

    protected static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    @Test
    void seedExample_inputPrefixIsDownloadedAsADirectory_andTheOutputDirectoryIsReadBackByTheNextTask() throws Exception {
        put(bucket, "my-data/input/train.csv", "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8));
        put(bucket, "my-data/input/images/cat/1.png", new byte[] {1, 2, 3});
        put(bucket, "my-data/input-other/not-mine.txt", "no".getBytes(StandardCharsets.UTF_8));

        // task 1: inputs
        Path input = tmp.resolve("task1/tmp/input");
        store.fetch(s3("input", "/tmp/input/", "my-data/input"), input, TransferListener.NONE);
        assertThat(input.resolve("train.csv")).hasContent("a,b\n1,2");
        assertThat(input.resolve("images/cat/1.png")).hasBinaryContent(new byte[] {1, 2, 3});
        assertThat(input.resolve("not-mine.txt")).doesNotExist();

        // task 1: outputs, unarchived (Onepanel's default)
        Path out = tmp.resolve("task1/tmp/output");
        write(out.resolve("message.txt"), "hello\n");
        write(out.resolve("model/weights/layer1.bin"), "w1");
        // The key as the scheduler hands it over: "{{workflow.parameters.model-path}}" substituted with its template.
        Artifact two = store.locate(s3("output-two", "/tmp/output", "my-data/output"), VARIABLES);
        assertThat(two.s3().key()).isEqualTo("my-data/output");
        Artifact stored = store.store(two, out, TransferListener.NONE);
        assertThat(stored.archive()).isEqualTo(ArchiveStrategy.NONE);
        assertThat(keys(bucket, "my-data/output/"))
                .containsExactly("my-data/output/message.txt", "my-data/output/model/weights/layer1.bin");

        // task 2: from: "{{tasks.input-output.outputs.artifacts.output-two}}"
        Artifact next = s3("model", "/tmp/model", (String) null).withLocationOf(stored);
        Path model = tmp.resolve("task2/tmp/model");
        store.fetch(next, model, TransferListener.NONE);
        assertThat(model.resolve("message.txt")).hasContent("hello");
        assertThat(model.resolve("model/weights/layer1.bin")).hasContent("w1");
    }

    @Test
    void outputWithoutKey_goesUnderTheKeyFormat_withThePathsBaseNameWhenUnarchived() throws Exception {
        Path out = write(tmp.resolve("tmp/output/message.txt"), "hello").getParent();
        Artifact located = store.locate(output("output-one", "/tmp/output"), VARIABLES);
        assertThat(located.s3().bucket()).isEqualTo(bucket);
        assertThat(located.s3().key())
                .isEqualTo("artifacts/team-a/inputs-outputs-x7k2p/inputs-outputs-x7k2p-1234567/output");
        store.store(located, out, TransferListener.NONE);
        assertThat(keys(bucket, "artifacts/"))
                .containsExactly("artifacts/team-a/inputs-outputs-x7k2p/inputs-outputs-x7k2p-1234567/output/message.txt");
    }

    @Test
    void tarArchive_storesOneTgzObjectUnderNameDotTgz_whichFetchUnpacks() throws Exception {
        Path out = tmp.resolve("tmp/output");
        write(out.resolve("a.txt"), "A");
        write(out.resolve("deep/er/b.txt"), "B");
        Files.createDirectories(out.resolve("empty"));
        Artifact located = store.locate(
                archived(output("result", "/tmp/output"), new ArchiveStrategy(ArchiveStrategy.Kind.TAR, 1)), VARIABLES);
        assertThat(located.s3().key()).endsWith("/inputs-outputs-x7k2p-1234567/result.tgz");
        Artifact stored = store.store(located, out, TransferListener.NONE);
        assertThat(keys(bucket, "artifacts/")).containsExactly(located.s3().key());

        Path fetched = tmp.resolve("next/data");
        store.fetch(s3("data", "/data", (String) null).withLocationOf(stored), fetched, TransferListener.NONE);
        assertThat(fetched.resolve("a.txt")).hasContent("A");
        assertThat(fetched.resolve("deep/er/b.txt")).hasContent("B");
        assertThat(fetched.resolve("empty")).isEmptyDirectory();
    }

    @Test
    void argoDefaultArchiveSwitch_archivesArtifactsThatSayNothing() throws Exception {
        ArtifactStore argo = newStore(bucket, ArchiveStrategy.TAR);
        Path file = write(tmp.resolve("out/model.bin"), "weights");
        Artifact located = argo.locate(output("model", "/out/model.bin"), VARIABLES);
        assertThat(located.s3().key()).endsWith("/model.tgz");
        Artifact stored = argo.store(located, file, TransferListener.NONE);
        assertThat(stored.archive().kind()).isEqualTo(ArchiveStrategy.Kind.TAR);

        Path fetched = tmp.resolve("in/model.bin");
        argo.fetch(s3("model", "/in/model.bin", stored.s3().key()), fetched, TransferListener.NONE);
        assertThat(fetched).isRegularFile().hasContent("weights");
    }

    @Test
    void singleFileUnarchived_isOneObject_andFetchedAsAFile() throws Exception {
        Path file = write(tmp.resolve("out/report.txt"), "report");
        store.store(store.locate(s3("report", "/out/report.txt", "reports/r1.txt"), VARIABLES), file,
                TransferListener.NONE);
        assertThat(keys(bucket, "reports/")).containsExactly("reports/r1.txt");
        Path fetched = tmp.resolve("in/report.txt");
        store.fetch(s3("report", "/in/report.txt", "reports/r1.txt"), fetched, TransferListener.NONE);
        assertThat(fetched).isRegularFile().hasContent("report");
    }

    @Test
    void explicitArchiveNoneInput_isNotUnpacked() throws Exception {
        Path out = write(tmp.resolve("out/x/a.txt"), "A").getParent();
        Artifact stored = store.store(
                store.locate(archived(s3("x", "/out/x", "packed/x.tgz"), ArchiveStrategy.TAR), VARIABLES), out,
                TransferListener.NONE);
        Path raw = tmp.resolve("in/x.tgz");
        store.fetch(archived(s3("x", "/in/x.tgz", stored.s3().key()), ArchiveStrategy.NONE), raw, TransferListener.NONE);
        assertThat(raw).isRegularFile();
        assertThat(Files.readAllBytes(raw)[0]).isEqualTo((byte) 0x1f);
    }

    @Test
    void emptyDirectories_surviveAnUnarchivedRoundTrip() throws Exception {
        Path out = tmp.resolve("out/tree");
        Files.createDirectories(out.resolve("logs/empty"));
        write(out.resolve("data/x.txt"), "x");
        store.store(store.locate(s3("tree", "/out/tree", "trees/t1"), VARIABLES), out, TransferListener.NONE);
        Path in = tmp.resolve("in/tree");
        store.fetch(s3("tree", "/in/tree", "trees/t1"), in, TransferListener.NONE);
        assertThat(in.resolve("logs/empty")).isEmptyDirectory();
        assertThat(in.resolve("data/x.txt")).hasContent("x");

        Path empty = Files.createDirectories(tmp.resolve("out/nothing"));
        store.store(store.locate(s3("nothing", "/out/nothing", "trees/empty"), VARIABLES), empty, TransferListener.NONE);
        Path fetchedEmpty = tmp.resolve("in/nothing");
        store.fetch(s3("nothing", "/in/nothing", "trees/empty"), fetchedEmpty, TransferListener.NONE);
        assertThat(fetchedEmpty).isEmptyDirectory();
    }

    @Test
    void optionalInputThatIsMissing_placesNothing_andOptionalOutputThatIsMissing_isSkipped() throws Exception {
        Path target = tmp.resolve("in/maybe");
        store.fetch(optional(s3("maybe", "/in/maybe", "not/there")), target, TransferListener.NONE);
        assertThat(target).doesNotExist();
        assertThat(tmp.resolve("in")).doesNotExist();

        Artifact out = store.locate(optional(s3("maybe", "/out/maybe", "never/written")), VARIABLES);
        assertThat(store.store(out, tmp.resolve("out/maybe"), TransferListener.NONE)).isNull();
        assertThat(keys(bucket, "never/")).isEmpty();
    }

    @Test
    void missingInput_failsNamingBucketAndKey_andMissingOutputSourceFails() throws Exception {
        assertThatThrownBy(() -> store.fetch(s3("input", "/tmp/input", "my-data/absent"), tmp.resolve("in"),
                TransferListener.NONE))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("'input'")
                .hasMessageContaining("'my-data/absent'")
                .hasMessageContaining("'" + bucket + "'");
        assertThat(tmp.resolve("in")).doesNotExist();

        Artifact out = store.locate(s3("out", "/tmp/out", "k"), VARIABLES);
        assertThatThrownBy(() -> store.store(out, tmp.resolve("nothing-here"), TransferListener.NONE))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("nothing at");
    }

    @Test
    void anOutputThatIsASymbolicLink_orLiesBehindOne_isRefused_archivedOrNot() throws Exception {
        Path secret = write(tmp.resolve("host/secret.txt"), "secret");
        Path top = Files.createSymbolicLink(Files.createDirectories(tmp.resolve("task")).resolve("q"), secret);
        Path behind = Files.createSymbolicLink(tmp.resolve("task/d"), secret.getParent());
        ArtifactStore tar = newStore(bucket, ArchiveStrategy.TAR);
        for (ArtifactStore s : List.of(store, tar)) {
            assertThatThrownBy(() -> s.store(s3("q", "/tmp/q", "links/q"), top, TransferListener.NONE))
                    .isInstanceOf(ArtifactException.class)
                    .hasMessageContaining(top + " is a symbolic link (to " + secret + ")");
            assertThatThrownBy(() -> s.store(s3("d", "/tmp/d/secret.txt", "links/d"), behind.resolve("secret.txt"),
                    TransferListener.NONE))
                    .isInstanceOf(ArtifactException.class)
                    .hasMessageContaining(behind + " is a symbolic link");
        }
        assertThat(keys(bucket, "links/")).isEmpty();
    }

    @Test
    void aLinkInsideAnOutputDirectory_isStoredAsTheFileItNames_onlyInsideTheOutput() throws Exception {
        Path out = tmp.resolve("task/out");
        write(out.resolve("models/m3.h5"), "weights");
        Files.createSymbolicLink(out.resolve("latest.h5"), Path.of("models/m3.h5"));
        store.store(store.locate(s3("out", "/tmp/out", "linked/out"), VARIABLES), out, TransferListener.NONE);
        assertThat(keys(bucket, "linked/")).containsExactly("linked/out/latest.h5", "linked/out/models/m3.h5");

        Files.createSymbolicLink(out.resolve("models/leak"), Path.of("../../../host/secret.txt"));
        write(tmp.resolve("host/secret.txt"), "secret");
        assertThatThrownBy(() -> store.store(s3("out", "/tmp/out", "leaked/out"), out, TransferListener.NONE))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("symbolic link 'models/leak' points outside the artifact");
        assertThat(keys(bucket, "leaked/")).isEmpty();
    }

    @Test
    void hostileKeys_areRefusedBeforeAnythingIsWritten() throws Exception {
        for (String key : List.of("../../etc", "/etc/passwd", "a/../../b", "a//b", "a/./b")) {
            assertThatThrownBy(() -> store.fetch(s3("in", "/in", key), tmp.resolve("in"), TransferListener.NONE))
                    .as(key)
                    .isInstanceOf(ArtifactException.class)
                    .hasMessageContaining("unsafe key");
            Path source = write(tmp.resolve("src/f.txt"), "f");
            assertThatThrownBy(() -> store.store(s3("out", "/out", key), source, TransferListener.NONE))
                    .as(key)
                    .isInstanceOf(ArtifactException.class)
                    .hasMessageContaining("unsafe key");
        }
        assertThat(tmp.resolve("in")).doesNotExist();
    }

    @Test
    void hostileTarEntries_failTheFetch_andLeaveNothingAtTheTarget() throws Exception {
        Map<String, byte[]> archives = Map.of(
                "dotdot", tgz(e -> file(e, "../escaped.txt")),
                "absolute", tgz(e -> file(e, "/tmp/absolute-escape.txt")),
                "symlink-out", tgz(e -> {
                    symlink(e, "data/link", "../../../../../../../tmp");
                }),
                "symlink-absolute", tgz(e -> symlink(e, "link", "/etc")),
                "chained-links", tgz(e -> {
                    symlink(e, "l", "d/..");
                    symlink(e, "d", ".");
                }),
                "write-through-chained-links", tgz(e -> {
                    symlink(e, "l", "d/..");
                    symlink(e, "d", ".");
                    file(e, "l/escaped.txt");
                }));
        for (var hostile : archives.entrySet()) {
            String key = "hostile/" + hostile.getKey() + ".tgz";
            put(bucket, key, hostile.getValue());
            Path target = tmp.resolve("in-" + hostile.getKey());
            assertThatThrownBy(() -> store.fetch(s3("in", "/in", key), target, TransferListener.NONE))
                    .as(hostile.getKey())
                    .isInstanceOf(ArtifactException.class)
                    .hasMessageContaining("refusing entry");
            assertThat(target).as(hostile.getKey()).doesNotExist();
        }
        assertThat(tmp.resolve("escaped.txt")).doesNotExist();
        assertThat(Path.of("/tmp/absolute-escape.txt")).doesNotExist();
        try (var left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("staging"));
        }
    }

    @Test
    void progress_isMonotonic_andEndsAtTheTotals() throws Exception {
        Path out = tmp.resolve("out/many");
        long bytes = 0;
        for (int i = 0; i < 40; i++) {
            String text = "file " + i + " " + "x".repeat(i * 100);
            write(out.resolve("d" + (i % 4) + "/f" + i + ".txt"), text);
            bytes += text.length();
        }
        TestArtifacts.Recorder up = new TestArtifacts.Recorder();
        store.store(store.locate(s3("many", "/out/many", "progress/many"), VARIABLES), out, up);
        TestArtifacts.Recorder down = new TestArtifacts.Recorder();
        store.fetch(s3("many", "/in/many", "progress/many"), tmp.resolve("in/many"), down);
        for (TestArtifacts.Recorder r : List.of(up, down)) {
            assertThat(r.events).isNotEmpty();
            for (int i = 1; i < r.events.size(); i++) {
                TransferProgress before = r.events.get(i - 1);
                TransferProgress after = r.events.get(i);
                assertThat(after.bytesDone()).isGreaterThanOrEqualTo(before.bytesDone());
                assertThat(after.filesDone()).isGreaterThanOrEqualTo(before.filesDone());
            }
            assertThat(r.last()).isEqualTo(new TransferProgress("many", bytes, bytes, 40, 40));
        }
    }

    // ------------------------------------------------------------------ hostile archives

    protected interface Entries {
        void add(TarArchiveOutputStream tar) throws IOException;
    }

    protected static byte[] tgz(Entries entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            entries.add(tar);
        }
        return bytes.toByteArray();
    }

    protected static void file(TarArchiveOutputStream tar, String name) throws IOException {
        byte[] data = "escaped".getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(name, true);
        entry.setSize(data.length);
        tar.putArchiveEntry(entry);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    protected static void symlink(TarArchiveOutputStream tar, String name, String target) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK, true);
        entry.setLinkName(target);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }
}
