package io.onepanel.workflow.artifact.s3;

import static io.onepanel.workflow.artifact.TestArtifacts.s3;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.ArtifactRepository;
import io.onepanel.workflow.artifact.ArtifactStore;
import io.onepanel.workflow.artifact.ArtifactStoreContract;
import io.onepanel.workflow.artifact.CredentialsResolver;
import io.onepanel.workflow.artifact.S3Credentials;
import io.onepanel.workflow.artifact.S3ProxyServer;
import io.onepanel.workflow.artifact.TestArtifacts;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.artifact.TransferProgress;
import io.onepanel.workflow.artifact.TransferSettings;
import io.onepanel.workflow.template.ArchiveStrategy;
import io.onepanel.workflow.template.S3Source;
import io.onepanel.workflow.template.SecretKeyRef;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The S3 store against a real S3 server (S3Proxy on 127.0.0.1) through the AWS SDK over HTTP. */
@ExtendWith(S3ArtifactStoreTest.Server.class)
class S3ArtifactStoreTest extends ArtifactStoreContract {

    /** Starts (once per run) the shared S3Proxy. */
    static final class Server implements BeforeAllCallback {
        static S3ProxyServer server;

        @Override
        public void beforeAll(ExtensionContext context) {
            server = S3ProxyServer.shared(context);
        }
    }

    /** Short, bounded retries so failure tests stay quick; S3Proxy does not speak flexible checksums. */
    static final TransferSettings TEST_TRANSFERS = TransferSettings.DEFAULT
            .withFlexibleChecksums(false)
            .withRetries(2, Duration.ofMillis(10), Duration.ofMillis(50))
            .withConnectTimeout(Duration.ofSeconds(2))
            .withMultipart(5 * TransferSettings.MiB, 5 * TransferSettings.MiB);

    private final List<S3ArtifactStore> opened = new ArrayList<>();
    private S3Client client;

    static ArtifactRepository repository(String bucket) {
        return ArtifactRepository.onepanel(bucket)
                .withEndpoint(Server.server.endpoint().toString(), true)
                .withCredentials(new S3Credentials.StaticKeys(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY))
                .withTransfers(TEST_TRANSFERS);
    }

    private S3ArtifactStore open(ArtifactRepository repository, CredentialsResolver resolver) {
        S3ArtifactStore s = new S3ArtifactStore(repository, resolver);
        opened.add(s);
        return s;
    }

    @BeforeEach
    void client() {
        client = Server.server.client();
    }

    @AfterEach
    void closeStores() {
        opened.forEach(S3ArtifactStore::close);
        client.close();
    }

    @Override
    protected ArtifactStore newStore(String bucket, ArchiveStrategy defaultArchive) {
        return open(repository(bucket).withDefaultArchive(defaultArchive), CredentialsResolver.NONE);
    }

    @Override
    protected void createBucket(String name) {
        Server.server.client().createBucket(b -> b.bucket(name));
    }

    @Override
    protected void put(String bucket, String key, byte[] data) {
        client.putObject(p -> p.bucket(bucket).key(key), RequestBody.fromBytes(data));
    }

    @Override
    protected List<String> keys(String bucket, String prefix) {
        return client.listObjectsV2Paginator(l -> l.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3Object::key).filter(k -> !k.endsWith("/")).sorted().toList();
    }

    @Test
    void largeFile_goesMultipart_andComesBackIdentical() throws Exception {
        Path big = tmp.resolve("out/big.bin");
        Files.createDirectories(big.getParent());
        byte[] chunk = new byte[1024 * 1024];
        new Random(7).nextBytes(chunk);
        try (OutputStream out = Files.newOutputStream(big)) {
            for (int i = 0; i < 12; i++) {
                chunk[0] = (byte) i;
                out.write(chunk);
            }
        }
        TestArtifacts.Recorder up = new TestArtifacts.Recorder();
        store.store(s3("big", "/out/big.bin", "large/big.bin"), big, up);
        String etag = client.headObject(h -> h.bucket(bucket).key("large/big.bin")).eTag();
        assertThat(etag).as("multipart ETag").contains("-3");
        assertThat(up.last()).isEqualTo(new TransferProgress("big", 12L << 20, 12L << 20, 1, 1));

        Path back = tmp.resolve("in/big.bin");
        store.fetch(s3("big", "/in/big.bin", "large/big.bin"), back, TransferListener.NONE);
        assertThat(Files.mismatch(big, back)).isEqualTo(-1L);
    }

    @Test
    void perArtifactOverrides_win_secondBucketAndNamedCredentials() throws Exception {
        String second = bucket + "-second";
        createBucket(second);
        List<SecretKeyRef> asked = new ArrayList<>();
        CredentialsResolver resolver = (access, secret) -> {
            asked.add(access);
            asked.add(secret);
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY));
        };
        // the default repository's own keys are wrong: only the artifact's named credentials work
        ArtifactStore s = open(repository(bucket).withCredentials(new S3Credentials.StaticKeys("nobody", "wrong")),
                resolver);
        SecretKeyRef accessRef = new SecretKeyRef("my-s3-credentials", "accessKey");
        SecretKeyRef secretRef = new SecretKeyRef("my-s3-credentials", "secretKey");
        S3Source override = new S3Source(Server.server.endpoint().getHost() + ":" + Server.server.endpoint().getPort(),
                second, "eu-west-1", true, "my-data/output", accessRef, secretRef, null);
        Path out = write(tmp.resolve("tmp/output/message.txt"), "hello").getParent();
        var stored = s.store(s.locate(s3("output-three", "/tmp/output", override), VARIABLES), out,
                TransferListener.NONE);
        assertThat(stored.s3().bucket()).isEqualTo(second);
        assertThat(keys(second, "my-data/")).containsExactly("my-data/output/message.txt");
        assertThat(keys(bucket, "my-data/")).isEmpty();
        assertThat(asked).containsExactly(accessRef, secretRef);
    }

    @Test
    void wrongCredentials_areOneClearLine_withoutTheSecret() {
        ArtifactStore s = open(repository(bucket)
                .withCredentials(new S3Credentials.StaticKeys("AKIAWRONGKEY", "wrong-secret-value")),
                CredentialsResolver.NONE);
        assertThatThrownBy(() -> s.fetch(s3("input", "/in", "my-data/input"), tmp.resolve("in"), TransferListener.NONE))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("access denied")
                .hasMessageContaining("check the S3 credentials")
                .hasMessageNotContaining("wrong-secret-value")
                .hasMessageNotContaining("AKIAWRONGKEY")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        Path src = tmp.resolve("src.txt");
        assertThatThrownBy(() -> {
            Files.writeString(src, "x");
            s.store(s3("out", "/out", "k/out.txt"), src, TransferListener.NONE);
        }).isInstanceOf(ArtifactException.class).hasMessageContaining("access denied");
        assertThat(repository(bucket).withCredentials(new S3Credentials.StaticKeys("AKIAWRONGKEY", "wrong-secret-value"))
                .toString()).doesNotContain("wrong-secret-value").doesNotContain("AKIAWRONGKEY");
    }

    @Test
    void unreachableEndpoint_failsAfterBoundedRetries_inOneLine() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        ArtifactStore s = open(repository(bucket).withEndpoint("127.0.0.1:" + port, true), CredentialsResolver.NONE);
        assertThatThrownBy(() -> s.fetch(s3("input", "/in", "my-data/input"), tmp.resolve("in"), TransferListener.NONE))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("cannot reach S3 endpoint http://127.0.0.1:" + port + " after 2 attempts")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(tmp.resolve("in")).doesNotExist();
    }

    @Test
    void missingBucket_isNamed_forFetchAndStore() throws Exception {
        ArtifactStore s = newStore("no-such-bucket-here", ArchiveStrategy.NONE);
        assertThatThrownBy(() -> s.fetch(s3("input", "/in", "my-data/input"), tmp.resolve("in"), TransferListener.NONE))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("bucket 'no-such-bucket-here' does not exist at " + Server.server.endpoint());
        Path src = write(tmp.resolve("src/f.txt"), "f");
        assertThatThrownBy(() -> s.store(s3("out", "/out", "k/f.txt"), src, TransferListener.NONE))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("bucket 'no-such-bucket-here' does not exist");
    }

    @Test
    void hostileKeysInAListing_areRefused_andNothingIsPlaced() {
        Server.server.putRaw(bucket, "evil/ok.txt", "ok".getBytes());
        Server.server.putRaw(bucket, "evil/../../escaped.txt", "x".getBytes());
        Path target = tmp.resolve("in/evil");
        assertThatThrownBy(() -> store.fetch(s3("evil", "/in/evil", "evil"), target, TransferListener.NONE))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("refusing entry '../../escaped.txt'");
        assertThat(target).doesNotExist();
        assertThat(tmp.resolve("escaped.txt")).doesNotExist();
    }

    @Test
    void failedDirectoryUpload_leavesNoObjectsUnderTheKey() throws Exception {
        try (S3ProxyServer strict = S3ProxyServer.transientStore(1000)) {
            strict.client().createBucket(b -> b.bucket("strict-bucket"));
            S3ArtifactStore s = open(repository("strict-bucket").withEndpoint(strict.endpoint().toString(), true),
                    CredentialsResolver.NONE);
            Path out = tmp.resolve("out/dir");
            for (int i = 0; i < 20; i++) {
                write(out.resolve("small/f" + i + ".txt"), "f" + i);
            }
            // this server refuses a single PUT over 1000 bytes: one file fails while the others go up
            write(out.resolve("too-big.txt"), "x".repeat(2000));
            assertThatThrownBy(() -> s.store(s3("dir", "/out/dir", "partial/dir"), out, TransferListener.NONE))
                    .isInstanceOf(ArtifactException.class)
                    .hasMessageContaining("'partial/dir'");
            assertThat(strict.client().listObjectsV2(l -> l.bucket("strict-bucket")).contents()).isEmpty();
        }
    }
}
