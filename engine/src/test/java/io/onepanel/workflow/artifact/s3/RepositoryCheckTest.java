package io.onepanel.workflow.artifact.s3;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.ArtifactRepository;
import io.onepanel.workflow.artifact.CredentialsResolver;
import io.onepanel.workflow.artifact.S3Credentials;
import io.onepanel.workflow.artifact.S3ProxyServer;
import io.onepanel.workflow.artifact.TransferSettings;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pre-flight check of an S3 repository, run before the first task: each way it can be unusable
 * is one line saying what is wrong and where to look, and never a secret.
 */
@ExtendWith(S3ProxyServer.Resolver.class)
class RepositoryCheckTest {

    private static final TransferSettings QUICK = TransferSettings.DEFAULT
            .withRetries(2, Duration.ofMillis(10), Duration.ofMillis(50));

    private final S3ProxyServer server;

    RepositoryCheckTest(S3ProxyServer server) {
        this.server = server;
    }

    @BeforeEach
    void bucket() {
        if (server.client().listBuckets().buckets().stream().noneMatch(b -> b.name().equals("checked"))) {
            server.client().createBucket(b -> b.bucket("checked"));
        }
    }

    private ArtifactRepository repository(String bucket, S3Credentials credentials) {
        return ArtifactRepository.onepanel(bucket).withEndpoint(server.endpoint().toString(), true)
                .withCredentials(credentials).withTransfers(QUICK);
    }

    private static void check(ArtifactRepository repository) throws ArtifactException {
        try (S3ArtifactStore store = new S3ArtifactStore(repository, CredentialsResolver.NONE)) {
            store.checkRepository();
        }
    }

    @Test
    void aUsableRepository_passes() {
        assertThatCode(() -> check(repository("checked",
                new S3Credentials.StaticKeys(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY))))
                .doesNotThrowAnyException();
    }

    @Test
    void wrongCredentials_areNamed_withoutTheSecret() {
        assertThatThrownBy(() -> check(repository("checked",
                new S3Credentials.StaticKeys("AKIAWRONGKEY", "wrong-secret-value"))))
                .isInstanceOf(ArtifactException.class)
                .hasMessage("S3 artifact repository s3://checked at " + server.endpoint() + ": access denied "
                        + "(HTTP 403): the credentials are wrong or may not read this bucket; check AWS_ACCESS_KEY_ID "
                        + "and AWS_SECRET_ACCESS_KEY (or the profile in use)");
    }

    @Test
    void aMissingBucket_isNamed() {
        assertThatThrownBy(() -> check(repository("no-such-bucket",
                new S3Credentials.StaticKeys(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY))))
                .isInstanceOf(ArtifactException.class)
                .hasMessage("S3 artifact repository s3://no-such-bucket at " + server.endpoint() + ": bucket "
                        + "'no-such-bucket' does not exist (create it, or give another with --s3-bucket or "
                        + "ONEPANEL_S3_BUCKET)");
    }

    @Test
    void anUnreachableEndpoint_isNamed() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        ArtifactRepository nowhere = repository("checked",
                new S3Credentials.StaticKeys(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY))
                .withEndpoint("127.0.0.1:" + port, true);
        assertThatThrownBy(() -> check(nowhere))
                .isInstanceOf(ArtifactException.class)
                .hasMessageStartingWith("S3 artifact repository s3://checked at http://127.0.0.1:" + port
                        + ": cannot reach S3 endpoint http://127.0.0.1:" + port + " after 2 attempts: ")
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void anEndpointThatAnswers503ToEverything_isOneLine() throws Exception {
        HttpServer failing = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        failing.createContext("/", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        failing.start();
        try {
            String endpoint = "http://127.0.0.1:" + failing.getAddress().getPort();
            assertThatThrownBy(() -> check(repository("checked",
                    new S3Credentials.StaticKeys(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY))
                    .withEndpoint(endpoint, true)))
                    .isInstanceOf(ArtifactException.class)
                    .hasMessage("S3 artifact repository s3://checked at " + endpoint + ": " + endpoint + " answered"
                            + " HTTP 503 after 2 attempts (a failure of the server, not of the request): is it up,"
                            + " and is it an S3 endpoint?");
        } finally {
            failing.stop(0);
        }
    }

    @Test
    void anEndpointWithAPasswordOrAQuery_isRefusedWithoutShowingThePassword() {
        S3Credentials keys = new S3Credentials.StaticKeys(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY);
        assertThatThrownBy(() -> check(repository("checked", keys).withEndpoint("http://user:PASSWORD@127.0.0.1:9", true)))
                .isInstanceOf(ArtifactException.class)
                .hasMessage("S3 endpoint 'http://***@127.0.0.1:9' has a user name or password in it; S3 credentials"
                        + " come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or a profile, or the repository's"
                        + " credentials), never from the URL (--s3-endpoint or ONEPANEL_S3_ENDPOINT)");
        assertThatThrownBy(() -> check(repository("checked", keys).withEndpoint("user:PASSWORD@127.0.0.1:9", true)))
                .hasMessageNotContaining("PASSWORD");
        assertThatThrownBy(() -> check(repository("checked", keys).withEndpoint(server.endpoint() + "/?x=1", true)))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("has a query string or fragment; give the scheme, host and port only");
    }

    /**
     * The SDK's default chain with nothing to find (no environment keys, no profile files, no
     * instance metadata: the lookup of which is switched off, so nothing leaves this machine).
     */
    @Test
    void missingCredentials_areOneLineSayingWhereTheyAreLookedFor() {
        assumeThat(System.getenv("AWS_ACCESS_KEY_ID")).as("AWS keys in the environment").isNull();
        assumeThat(System.getenv("AWS_PROFILE")).as("an AWS profile in the environment").isNull();
        Map<String, String> properties = Map.of("aws.disableEc2Metadata", "true",
                "aws.sharedCredentialsFile", "/nonexistent/credentials", "aws.configFile", "/nonexistent/config");
        properties.forEach(System::setProperty);
        try {
            assertThatThrownBy(() -> check(repository("checked", S3Credentials.DEFAULT_CHAIN)))
                    .isInstanceOf(ArtifactException.class)
                    .hasMessage("S3 artifact repository s3://checked at " + server.endpoint() + ": no S3 credentials "
                            + "found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with "
                            + "~/.aws/credentials, or run where a pod or instance role provides them");
        } finally {
            properties.keySet().forEach(System::clearProperty);
        }
    }
}
