package io.onepanel.workflow.artifact.s3;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.CredentialsResolver;
import io.onepanel.workflow.artifact.S3Credentials;
import io.onepanel.workflow.artifact.TransferSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.SdkHttpService;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.multipart.MultipartConfiguration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.transfer.s3.S3TransferManager;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * One async client and transfer manager per endpoint, region and credentials, made on first use and
 * closed together. Clients have multipart enabled, bounded retries with exponential backoff, a
 * bounded number of connections, and the checksum behaviour of the {@link TransferSettings}.
 */
public final class S3Connections implements AutoCloseable {

    /** What tells two connections apart. Compared by value; never printed with secrets. */
    public record Key(URI endpoint, String region, boolean pathStyle, S3Credentials credentials) {}

    /**
     * A live connection. Uploads go through a multipart-enabled async client; downloads through a
     * blocking client (one streaming GET per object, run on the store's own threads). The SDK's
     * parallel part downloader is slower over a fast link and, in 2.42.0, fails under many
     * concurrent small downloads (an NPE in ParallelMultipartDownloaderSubscriber); and the async
     * client's file writer ({@code AsyncResponseTransformer.toFile}) writes every small Netty
     * buffer with its own asynchronous file write, which measured at about a third of the blocking
     * client's throughput on one 1 GiB object.
     */
    public record Connection(Key key, S3AsyncClient client, S3TransferManager transfers, S3Client blocking,
            AwsCredentialsProvider credentials, TransferSettings settings, OpenUploads uploads) {}

    private final TransferSettings settings;
    private final CredentialsResolver resolver;
    private final Map<Key, Connection> connections = new ConcurrentHashMap<>();
    private boolean closed;
    /**
     * Netty's threads for every async client of this store, made on first use and ours to close:
     * the SDK closes a group it made itself with a 2 s quiet period and waits for it, which kept
     * every process alive 2–3 s after its last transfer.
     */
    private EventLoopGroup eventLoops;

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
        if (eventLoops == null) {
            eventLoops = new NioEventLoopGroup(0, new DefaultThreadFactory("s3-netty", true));
        }
        OpenUploads uploads = new OpenUploads();
        S3AsyncClient client = build(key, credentials, true, uploads);
        uploads.client(client);
        return new Connection(key, client, S3TransferManager.builder().s3Client(client).build(),
                buildBlocking(key, credentials), credentials, settings, uploads);
    }

    /**
     * The blocking client for downloads: same endpoint, credentials, retries and checksum
     * validation as the async one, and a connection pool as large as {@code maxConcurrency} (the
     * SDK's default of 50 would otherwise cap the download threads). The HTTP implementation is
     * found through the SDK's service loader (Apache, a runtime dependency of the S3 module).
     */
    private S3Client buildBlocking(Key key, AwsCredentialsProvider credentials) {
        SdkHttpService service = ServiceLoader.load(SdkHttpService.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no synchronous HTTP client for S3 on the class path"));
        AttributeMap ours = AttributeMap.builder()
                .put(SdkHttpConfigurationOption.MAX_CONNECTIONS, settings.maxConcurrency())
                .put(SdkHttpConfigurationOption.CONNECTION_TIMEOUT, settings.connectTimeout())
                .build();
        BlockingHttp http = new BlockingHttp(service, ours);
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(http)
                .region(Region.of(key.region()))
                .forcePathStyle(key.pathStyle())
                .credentialsProvider(credentials)
                .requestChecksumCalculation(settings.flexibleChecksums()
                        ? RequestChecksumCalculation.WHEN_SUPPORTED : RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_SUPPORTED)
                .overrideConfiguration(o -> o.retryStrategy(retryStrategy()));
        if (key.endpoint() != null) {
            builder.endpointOverride(key.endpoint());
        }
        return builder.build();
    }

    /** The service's HTTP client with our pool size and connect timeout over the SDK's defaults. */
    private record BlockingHttp(SdkHttpService service, AttributeMap ours) implements SdkHttpClient.Builder<BlockingHttp> {
        @Override
        public SdkHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
            return service.createHttpClientBuilder().buildWithDefaults(ours.merge(serviceDefaults));
        }
    }

    private software.amazon.awssdk.retries.api.RetryStrategy retryStrategy() {
        return AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(settings.maxAttempts())
                .backoffStrategy(BackoffStrategy.exponentialDelay(settings.baseDelay(), settings.maxBackoff()))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(settings.baseDelay(), settings.maxBackoff()))
                .circuitBreakerEnabled(false)
                .build();
    }

    private S3AsyncClient build(Key key, AwsCredentialsProvider credentials, boolean multipart, OpenUploads uploads) {
        NettyNioAsyncHttpClient.Builder http = NettyNioAsyncHttpClient.builder()
                .eventLoopGroup(SdkEventLoopGroup.create(eventLoops))
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
                .overrideConfiguration(o -> o.retryStrategy(retryStrategy())
                        .addExecutionInterceptor(new NoObjectSizeOnCompletion())
                        .addExecutionInterceptor(uploads));
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
            c.client().close();
            c.blocking().close();
        }
        connections.clear();
        if (eventLoops != null) {
            eventLoops.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS); // daemon threads: nothing waits on them
        }
    }
}
