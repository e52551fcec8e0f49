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
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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

    /**
     * Short, bounded retries so failure tests stay quick. Without flexible checksums: with them a
     * refused PUT reaches the SDK as a closed connection, not as S3Proxy's 403 (the pre-flight check
     * names bad credentials before anything runs); the default settings are tested on their own.
     */
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

    /**
     * Stock S3Proxy refuses headers it does not know (501): with the default settings (8 MiB
     * threshold and parts) an artifact of exactly 8 MiB and one of several parts both go through.
     */
    @Test
    void defaultSettings_multipartArtifacts_roundTrip_againstStockS3Proxy() throws Exception {
        ArtifactStore defaults = open(repository(bucket).withTransfers(TransferSettings.DEFAULT),
                CredentialsResolver.NONE);
        for (long size : new long[] {8 * TransferSettings.MiB, 20 * TransferSettings.MiB + 123}) {
            Path file = tmp.resolve("out/" + size + ".bin");
            Files.createDirectories(file.getParent());
            byte[] chunk = new byte[1 << 20];
            new Random(size).nextBytes(chunk);
            try (OutputStream out = Files.newOutputStream(file)) {
                for (long left = size; left > 0; left -= chunk.length) {
                    out.write(chunk, 0, (int) Math.min(left, chunk.length));
                }
            }
            defaults.store(s3("big", "/out/big.bin", "stock/" + size + ".bin"), file, TransferListener.NONE);
            assertThat(client.headObject(h -> h.bucket(bucket).key("stock/" + size + ".bin")).contentLength())
                    .isEqualTo(size);
            Path back = tmp.resolve("in/" + size + ".bin");
            defaults.fetch(s3("big", "/in/big.bin", "stock/" + size + ".bin"), back, TransferListener.NONE);
            assertThat(Files.mismatch(file, back)).isEqualTo(-1L);
        }
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

    /**
     * S3 itself accepts keys with {@code ..} segments (S3Proxy 4 refuses to store them), so the
     * hostile listing comes from a stand-in endpoint that answers as S3 would for such a bucket.
     */
    @Test
    void hostileKeysInAListing_areRefused_andNothingIsPlaced() throws Exception {
        HttpServer hostile = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hostile.createContext("/", exchange -> {
            byte[] body = new byte[0];
            int status = 404;
            if (exchange.getRequestMethod().equals("GET") && exchange.getRequestURI().getQuery() != null
                    && exchange.getRequestURI().getQuery().contains("list-type=2")) {
                status = 200;
                body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult><Name>" + bucket
                        + "</Name><Prefix>evil/</Prefix><KeyCount>2</KeyCount><IsTruncated>false</IsTruncated>"
                        + "<Contents><Key>evil/ok.txt</Key><Size>2</Size></Contents>"
                        + "<Contents><Key>evil/../../escaped.txt</Key><Size>1</Size></Contents></ListBucketResult>")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            exchange.sendResponseHeaders(status, exchange.getRequestMethod().equals("HEAD") ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        hostile.start();
        try {
            ArtifactStore s = open(repository(bucket).withEndpoint("127.0.0.1:" + hostile.getAddress().getPort(), true),
                    CredentialsResolver.NONE);
            Path target = tmp.resolve("in/evil");
            assertThatThrownBy(() -> s.fetch(s3("evil", "/in/evil", "evil"), target, TransferListener.NONE))
                    .isInstanceOf(ArtifactException.class)
                    .hasMessageContaining("refusing entry '../../escaped.txt'");
            assertThat(target).doesNotExist();
            assertThat(tmp.resolve("escaped.txt")).doesNotExist();
        } finally {
            hostile.stop(0);
        }
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
