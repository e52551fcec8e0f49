package io.onepanel.workflow.artifact;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 server (S3Proxy over a jclouds blob store) on 127.0.0.1, started once per test run and
 * reached only through the AWS SDK over HTTP.
 */
public final class S3ProxyServer implements AutoCloseable {

    public static final String ACCESS_KEY = "AKIATESTACCESSKEY";
    public static final String SECRET_KEY = "test-secret-key-never-printed";

    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final URI endpoint;
    private boolean closed;

    private S3ProxyServer(BlobStoreContext context) throws Exception {
        this(context, 5L << 30);
    }

    private S3ProxyServer(BlobStoreContext context, long maxSinglePartObjectSize) throws Exception {
        this.context = context;
        this.proxy = S3Proxy.builder()
                .maxSinglePartObjectSize(maxSinglePartObjectSize)
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .ignoreUnknownHeaders(true)
                .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(5);
        }
        this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** An in-memory blob store. */
    public static S3ProxyServer transientStore() throws Exception {
        return new S3ProxyServer(ContextBuilder.newBuilder("transient")
                .credentials("identity", "credential")
                .build(BlobStoreContext.class));
    }

    /** An in-memory blob store that refuses single PUTs bigger than {@code maxSinglePart} bytes. */
    public static S3ProxyServer transientStore(long maxSinglePart) throws Exception {
        return new S3ProxyServer(ContextBuilder.newBuilder("transient")
                .credentials("identity", "credential")
                .build(BlobStoreContext.class), maxSinglePart);
    }

    /** A blob store in a directory on disk (for large objects). */
    public static S3ProxyServer filesystemStore(Path directory) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", directory.toString());
        return new S3ProxyServer(ContextBuilder.newBuilder("filesystem")
                .credentials("identity", "credential")
                .overrides(properties)
                .build(BlobStoreContext.class));
    }

    /** The shared server of this test run. */
    public static S3ProxyServer shared(ExtensionContext extensionContext) {
        return extensionContext.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(S3ProxyServer.class, k -> {
                    try {
                        return transientStore();
                    } catch (Exception e) {
                        throw new IllegalStateException("S3Proxy did not start", e);
                    }
                }, S3ProxyServer.class);
    }

    /** Injects the shared server into test methods and constructors. */
    public static final class Resolver implements org.junit.jupiter.api.extension.ParameterResolver {
        @Override
        public boolean supportsParameter(org.junit.jupiter.api.extension.ParameterContext parameter,
                ExtensionContext context) {
            return parameter.getParameter().getType() == S3ProxyServer.class;
        }

        @Override
        public Object resolveParameter(org.junit.jupiter.api.extension.ParameterContext parameter,
                ExtensionContext context) {
            return shared(context);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /** A plain synchronous client with the right keys, for arranging and checking buckets. */
    public S3Client client() {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .build();
    }

    /** Puts an object straight into the blob store, bypassing S3 key handling (for hostile keys). */
    public void putRaw(String bucket, String key, byte[] data) {
        var store = context.getBlobStore();
        store.putBlob(bucket, store.blobBuilder(key).payload(data).build());
    }

    @Override
    public synchronized void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        proxy.stop();
        context.close();
    }
}
