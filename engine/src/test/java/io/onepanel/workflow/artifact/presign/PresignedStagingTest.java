package io.onepanel.workflow.artifact.presign;

import static io.onepanel.workflow.artifact.TestArtifacts.archived;
import static io.onepanel.workflow.artifact.TestArtifacts.s3;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.ArtifactRepository;
import io.onepanel.workflow.artifact.CredentialsResolver;
import io.onepanel.workflow.artifact.S3Credentials;
import io.onepanel.workflow.artifact.S3ProxyServer;
import io.onepanel.workflow.artifact.TestArtifacts;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.artifact.TransferProgress;
import io.onepanel.workflow.artifact.TransferSettings;
import io.onepanel.workflow.artifact.s3.S3ArtifactStore;
import io.onepanel.workflow.template.ArchiveStrategy;
import io.onepanel.workflow.template.Artifact;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Keyless staging end to end against S3Proxy: the planner signs where the keys are; the stager, with
 * the JDK's HTTP client only and no credentials, moves the bytes.
 */
@ExtendWith(S3ProxyServer.Resolver.class)
class PresignedStagingTest {

    @TempDir
    Path tmp;

    private S3ProxyServer server;
    private S3Client client;
    private S3ArtifactStore signerStore;
    private StagingPlanner planner;
    private Stager stager;
    private final String bucket = "presigned-" + Long.toHexString(System.nanoTime());

    @BeforeEach
    void setUp(S3ProxyServer shared) {
        server = shared;
        client = server.client();
        client.createBucket(b -> b.bucket(bucket));
        ArtifactRepository repository = ArtifactRepository.onepanel(bucket)
                .withEndpoint(server.endpoint().toString(), true)
                .withCredentials(new S3Credentials.StaticKeys(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY))
                .withTransfers(TransferSettings.DEFAULT.withFlexibleChecksums(false)
                        .withRetries(2, Duration.ofMillis(10), Duration.ofMillis(50))
                        .withMultipart(5 * TransferSettings.MiB, 5 * TransferSettings.MiB));
        signerStore = new S3ArtifactStore(repository, CredentialsResolver.NONE);
        planner = new StagingPlanner(signerStore, Duration.ofMinutes(15));
        stager = new Stager(8, 3);
    }

    @AfterEach
    void tearDown() {
        stager.close();
        signerStore.close();
        client.close();
    }

    private static Map<String, String> variables() {
        return Map.of("workflow.namespace", "ns", "workflow.name", "wf", "pod.name", "wf-1");
    }

    @Test
    void directoryWithALargeFile_roundTripsThroughPresignedUrls_withoutCredentialsOnTheStager() throws Exception {
        Path out = tmp.resolve("pod/tmp/output");
        Files.createDirectories(out.resolve("logs/empty"));
        Files.writeString(Files.createDirectories(out.resolve("meta")).resolve("message.txt"), "hello");
        Path big = out.resolve("model.bin");
        byte[] chunk = new byte[1 << 20];
        new Random(3).nextBytes(chunk);
        try (OutputStream o = Files.newOutputStream(big)) {
            for (int i = 0; i < 11; i++) {
                chunk[0] = (byte) i;
                o.write(chunk);
            }
        }
        long bytes = Files.size(big) + 5;

        // signer: locate; stager: read the output; signer: plan; stager: upload; signer: complete
        Artifact output = planner.locate(s3("model", "/tmp/output", "models/m1"), variables());
        TestArtifacts.Recorder up = new TestArtifacts.Recorder();
        Plans.UploadPlan plan;
        try (Stager.PreparedUpload prepared = stager.prepare(output, out)) {
            plan = planner.planStore(output, prepared.manifest());
            assertThat(plan.multiparts()).hasSize(1);
            assertThat(plan.multiparts().get(0).parts()).hasSize(3);
            assertThat(serialized(plan)).doesNotContain(S3ProxyServer.SECRET_KEY);
            Plans.UploadReceipt receipt = stager.upload(plan, prepared, up);
            planner.complete(output, plan, receipt);
        }
        assertThat(up.last()).isEqualTo(new TransferProgress("model", bytes, bytes, 2, 2));
        assertThat(client.headObject(h -> h.bucket(bucket).key("models/m1/model.bin")).eTag()).contains("-3");
        assertThat(client.listMultipartUploads(l -> l.bucket(bucket)).uploads()).isEmpty();

        // the next task's input, fetched the same way
        Artifact input = s3("model", "/data", "models/m1");
        Plans.DownloadPlan download = planner.planFetch(input);
        assertThat(serialized(download)).doesNotContain(S3ProxyServer.SECRET_KEY);
        TestArtifacts.Recorder down = new TestArtifacts.Recorder();
        Path data = tmp.resolve("pod2/data");
        stager.fetch(download, input, data, down);
        assertThat(Files.mismatch(big, data.resolve("model.bin"))).isEqualTo(-1L);
        assertThat(data.resolve("meta/message.txt")).hasContent("hello");
        assertThat(data.resolve("logs/empty")).isEmptyDirectory();
        assertThat(down.last()).isEqualTo(new TransferProgress("model", bytes, bytes, 2, 2));
    }

    @Test
    void archivedOutput_isOneTgzObject_thatTheStagerUnpacks() throws Exception {
        Path out = tmp.resolve("pod/out");
        Files.writeString(Files.createDirectories(out.resolve("a/b")).resolve("c.txt"), "C");
        Artifact output = planner.locate(archived(TestArtifacts.output("result", "/out"), ArchiveStrategy.TAR),
                variables());
        assertThat(output.s3().key()).isEqualTo("artifacts/ns/wf/wf-1/result.tgz");
        try (Stager.PreparedUpload prepared = stager.prepare(output, out)) {
            Plans.UploadPlan plan = planner.planStore(output, prepared.manifest());
            planner.complete(output, plan, stager.upload(plan, prepared, TransferListener.NONE));
        }
        Artifact input = s3("result", "/in", output.s3().key());
        Path in = tmp.resolve("pod2/in");
        stager.fetch(planner.planFetch(input), input, in, TransferListener.NONE);
        assertThat(in.resolve("a/b/c.txt")).hasContent("C");
    }

    /** In a pod the archive is built on a volume of the pod (the exchange volume), not in the image's /tmp. */
    @Test
    void archivedOutput_isBuiltInTheScratchDirectoryGiven_andGoesWithTheUpload() throws Exception {
        Path out = tmp.resolve("pod/out");
        Files.writeString(Files.createDirectories(out).resolve("c.txt"), "C");
        Path scratch = Files.createDirectories(tmp.resolve("pod/exchange"));
        Artifact output = planner.locate(archived(TestArtifacts.output("result", "/out"), ArchiveStrategy.TAR),
                variables());
        try (Stager.PreparedUpload prepared = stager.prepare(output, out, scratch)) {
            assertThat(prepared.temporary()).hasParent(scratch.toRealPath()).isRegularFile();
            Plans.UploadPlan plan = planner.planStore(output, prepared.manifest());
            planner.complete(output, plan, stager.upload(plan, prepared, TransferListener.NONE));
        }
        assertThat(scratch).isEmptyDirectory();
    }

    @Test
    void aFileOfTheOutputSwappedForALinkAfterPreparing_isNotUploaded() throws Exception {
        Path secret = Files.writeString(tmp.resolve("agent-environ"), "AWS_SECRET_ACCESS_KEY=agent");
        Path out = Files.createDirectories(tmp.resolve("pod/out"));
        Files.writeString(out.resolve("model.bin"), "weights-of-28");
        Artifact output = planner.locate(s3("model", "/out", "swapped/out"), variables());
        assertThatThrownBy(() -> stager.prepare(output, Files.createSymbolicLink(tmp.resolve("pod/link"), secret)))
                .isInstanceOf(ArtifactException.class).hasMessageContaining("is a symbolic link");
        try (Stager.PreparedUpload prepared = stager.prepare(output, out)) {
            Plans.UploadPlan plan = planner.planStore(output, prepared.manifest());
            Files.delete(out.resolve("model.bin"));
            Files.createSymbolicLink(out.resolve("model.bin"), secret);
            assertThatThrownBy(() -> stager.upload(plan, prepared, TransferListener.NONE))
                    .isInstanceOf(ArtifactException.class).hasMessageContaining("is a symbolic link");
        }
        assertThat(client.listObjectsV2(l -> l.bucket(bucket).prefix("swapped/")).contents()).isEmpty();
    }

    @Test
    void abandonedPlan_isAborted_andLeavesNothing() throws Exception {
        Path big = tmp.resolve("big.bin");
        Files.write(big, new byte[6 << 20]);
        Artifact output = planner.locate(s3("big", "/big.bin", "abandoned/big.bin"), variables());
        try (Stager.PreparedUpload prepared = stager.prepare(output, big)) {
            Plans.UploadPlan plan = planner.planStore(output, prepared.manifest());
            assertThat(client.listMultipartUploads(l -> l.bucket(bucket)).uploads()).hasSize(1);
            assertThatThrownBy(() -> planner.complete(output, plan, new Plans.UploadReceipt(Map.of())))
                    .isInstanceOf(ArtifactException.class)
                    .hasMessageContaining("did not report every part");
        }
        assertThat(client.listMultipartUploads(l -> l.bucket(bucket)).uploads()).isEmpty();
        assertThat(client.listObjectsV2(l -> l.bucket(bucket).prefix("abandoned/")).contents()).isEmpty();
    }

    @Test
    void missingInput_failsAtPlanning_andOptionalOnesPlaceNothing() throws Exception {
        assertThatThrownBy(() -> planner.planFetch(s3("in", "/in", "nothing/here")))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("'nothing/here'")
                .hasMessageContaining("'" + bucket + "'");
        Artifact optional = TestArtifacts.optional(s3("in", "/in", "nothing/here"));
        stager.fetch(planner.planFetch(optional), optional, tmp.resolve("in"), TransferListener.NONE);
        assertThat(tmp.resolve("in")).doesNotExist();
    }

    private static String serialized(Object plan) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(plan);
        }
        return bytes.toString(java.nio.charset.StandardCharsets.ISO_8859_1) + plan;
    }
}
