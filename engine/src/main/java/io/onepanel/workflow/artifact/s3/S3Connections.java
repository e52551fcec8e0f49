package io.onepanel.workflow.artifact.s3;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.CredentialsResolver;
import io.onepanel.workflow.artifact.S3Credentials;
import io.onepanel.workflow.artifact.TransferSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.multipart.MultipartConfiguration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.transfer.s3.S3TransferManager;

/**
 * One async client and transfer manager per endpoint, region and credentials, made on first use and
 * closed together. Clients have multipart enabled, bounded retries with exponential backoff, a
 * bounded number of connections, and the checksum behaviour of the {@link TransferSettings}.
 */
public final class S3Connections implements AutoCloseable {

    /** What tells two connections apart. Compared by value; never printed with secrets. */
    public record Key(URI endpoint, String region, boolean pathStyle, S3Credentials credentials) {}

    /**
     * A live connection. Uploads go through a multipart-enabled client; downloads through a plain
     * one (one streaming GET per object): the SDK's parallel part downloader is slower over a fast
     * link and, in 2.42.0, fails under many concurrent small downloads (an NPE in
     * ParallelMultipartDownloaderSubscriber).
     */
    public record Connection(Key key, S3AsyncClient client, S3TransferManager transfers,
            S3AsyncClient downloadClient, S3TransferManager downloads, AwsCredentialsProvider credentials,
            TransferSettings settings) {}

    private final TransferSettings settings;
    private final CredentialsResolver resolver;
    private final Map<Key, Connection> connections = new ConcurrentHashMap<>();
    private boolean closed;

    public S3Connections(TransferSettings settings, CredentialsResolver resolver) {
        this.settings = settings;
        this.resolver = resolver;
    }

    public TransferSettings settings() {
        return settings;
    }

    public Connection get(Key key) throws ArtifactException {
        Connection existing = connections.get(key);
        if (existing != null) {
            return existing;
        }
        AwsCredentialsProvider credentials = credentials(key.credentials());
        synchronized (this) {
            if (closed) {
                throw new ArtifactException("the S3 artifact store is closed");
            }
            return connections.computeIfAbsent(key, k -> open(k, credentials));
        }
    }

    /** A presigner signing with the same endpoint, region, path style and credentials. */
    public S3Presigner presigner(Key key) throws ArtifactException {
        AwsCredentialsProvider credentials = credentials(key.credentials());
        S3Presigner.Builder builder = S3Presigner.builder()
                .region(Region.of(key.region()))
                .credentialsProvider(credentials)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(key.pathStyle()).build());
        if (key.endpoint() != null) {
            builder.endpointOverride(key.endpoint());
        }
        return builder.build();
    }

    private AwsCredentialsProvider credentials(S3Credentials credentials) throws ArtifactException {
        if (credentials instanceof S3Credentials.StaticKeys keys) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey()));
        } else if (credentials instanceof S3Credentials.SecretRefs refs) {
            return resolver.awsCredentials(refs.accessKeySecret(), refs.secretKeySecret());
        } else if (credentials instanceof S3Credentials.Anonymous) {
            return AnonymousCredentialsProvider.create();
        }
        return DefaultCredentialsProvider.builder().build();
    }

    private Connection open(Key key, AwsCredentialsProvider credentials) {
        S3AsyncClient client = build(key, credentials, true);
        S3AsyncClient plain = build(key, credentials, false);
        return new Connection(key, client, S3TransferManager.builder().s3Client(client).build(), plain,
                S3TransferManager.builder().s3Client(plain).build(), credentials, settings);
    }

    private S3AsyncClient build(Key key, AwsCredentialsProvider credentials, boolean multipart) {
        NettyNioAsyncHttpClient.Builder http = NettyNioAsyncHttpClient.builder()
                .maxConcurrency(settings.maxConcurrency())
                .maxPendingConnectionAcquires(1_000_000)
                .connectionAcquisitionTimeout(Duration.ofMinutes(30))
                .connectionTimeout(settings.connectTimeout());
        S3AsyncClientBuilder builder = S3AsyncClient.builder()
                .httpClientBuilder(http)
                .region(Region.of(key.region()))
                .forcePathStyle(key.pathStyle())
                .credentialsProvider(credentials)
                .multipartEnabled(multipart)
                .multipartConfiguration(MultipartConfiguration.builder()
                        .thresholdInBytes(settings.multipartThreshold())
                        .minimumPartSizeInBytes(settings.partSize())
                        .build())
                .requestChecksumCalculation(settings.flexibleChecksums()
                        ? RequestChecksumCalculation.WHEN_SUPPORTED : RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_SUPPORTED)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(settings.maxAttempts())
                        .backoffStrategy(BackoffStrategy.exponentialDelay(settings.baseDelay(), settings.maxBackoff()))
                        .throttlingBackoffStrategy(
                                BackoffStrategy.exponentialDelay(settings.baseDelay(), settings.maxBackoff()))
                        .circuitBreakerEnabled(false)
                        .build()));
        if (key.endpoint() != null) {
            builder.endpointOverride(key.endpoint());
        }
        return builder.build();
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (Connection c : connections.values()) {
            c.transfers().close();
            c.downloads().close();
            c.client().close();
            c.downloadClient().close();
        }
        connections.clear();
    }
}
