package io.onepanel.workflow.artifact;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 server on 127.0.0.1: stock S3Proxy (the version the build names) over an in-memory or
 * on-disk blob store, in a process of its own ({@link S3ProxyProcess}), reached only through the AWS
 * SDK over HTTP. Stock settings: S3Proxy refuses headers it does not know, as it does for users, so a
 * request our client should not send fails the tests. {@link #kill()} ends the server the hard way,
 * as a crash or a lost machine would.
 */
public final class S3ProxyServer implements AutoCloseable {

    public static final String ACCESS_KEY = "AKIATESTACCESSKEY";
    public static final String SECRET_KEY = "test-secret-key-never-printed";

    private final Process process;
    private final Writer commands;
    private final URI endpoint;
    private boolean closed;

    private S3ProxyServer(String store, long maxSinglePartObjectSize) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("onepanel.s3proxy.jar", "target/s3proxy/s3proxy.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("S3Proxy's jar is not at " + jar.toAbsolutePath()
                    + " (the build copies it there in generate-test-resources)");
        }
        Path classes;
        try {
            classes = Path.of(S3ProxyProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Path log = jar.resolveSibling("s3proxy-server.log");
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", jar + java.io.File.pathSeparator + classes,
                S3ProxyProcess.class.getName(), store, Long.toString(maxSinglePartObjectSize), ACCESS_KEY, SECRET_KEY))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("LOG_LEVEL", "warn");
        this.process = builder.start();
        BufferedReader replies = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        String ready = replies.readLine();
        if (ready == null || !ready.startsWith("PORT ")) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("S3Proxy did not start; see " + log.toAbsolutePath());
        }
        this.endpoint = URI.create("http://127.0.0.1:" + ready.substring("PORT ".length()).trim());
    }

    /** An in-memory blob store. */
    public static S3ProxyServer transientStore() throws Exception {
        return new S3ProxyServer("transient", 0);
    }

    /** An in-memory blob store that refuses single PUTs bigger than {@code maxSinglePart} bytes. */
    public static S3ProxyServer transientStore(long maxSinglePart) throws Exception {
        return new S3ProxyServer("transient", maxSinglePart);
    }

    /** A blob store in a directory on disk (for large objects). */
    public static S3ProxyServer filesystemStore(Path directory) throws Exception {
        Files.createDirectories(directory);
        return new S3ProxyServer("filesystem:" + directory.toAbsolutePath(), 0);
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

    /** Ends the server at once, as a crash would: open connections are reset, new ones refused. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public synchronized void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        try {
            commands.close(); // the server stops when its standard input closes
        } catch (IOException alreadyGone) {
            // killed
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
