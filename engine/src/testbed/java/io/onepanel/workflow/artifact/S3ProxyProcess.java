package io.onepanel.workflow.artifact;

import java.io.PrintStream;
import java.net.URI;

/**
 * The main class of the S3Proxy process that {@link S3ProxyServer} starts: runs with S3Proxy's own
 * jar-with-dependencies on its class path (and this class), never in the test JVM, so S3Proxy's
 * Jackson 3 and AWS SDK never meet ours. It reaches S3Proxy by reflection because the test sources
 * are compiled without S3Proxy on the class path.
 *
 * <p>Arguments: {@code transient | filesystem:DIR}, the largest single-part object (0 for S3Proxy's
 * default), the access key and the secret key. Stock settings otherwise (unknown headers are refused).
 * Writes {@code PORT n} on its standard output when ready; stops when its standard input closes (so
 * it never outlives the tests).
 */
public final class S3ProxyProcess {

    private S3ProxyProcess() {}

    public static void main(String[] args) {
        try {
            serve(args);
        } catch (Throwable t) {
            t.printStackTrace();
        }
        System.exit(1); // also when S3Proxy's threads would keep a half-started server alive
    }

    private static void serve(String[] args) throws Exception {
        PrintStream protocol = System.out;
        System.setOut(System.err); // S3Proxy's log goes to the log file, our protocol alone to stdout
        ClassLoader loader = S3ProxyProcess.class.getClassLoader();
        Class<?> blobStoreType = loader.loadClass("org.gaul.s3proxy.blobstore.BlobStore");
        Object blobStore = args[0].startsWith("filesystem:")
                ? loader.loadClass("org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore").getConstructor(String.class)
                        .newInstance(args[0].substring("filesystem:".length()))
                : loader.loadClass("org.gaul.s3proxy.nio2blob.TransientNio2BlobStore").getConstructor().newInstance();
        Class<?> proxyType = loader.loadClass("org.gaul.s3proxy.S3Proxy");
        Object builder = proxyType.getMethod("builder").invoke(null);
        Class<?> builderType = builder.getClass();
        builderType.getMethod("blobStore", blobStoreType).invoke(builder, blobStore);
        builderType.getMethod("endpoint", URI.class).invoke(builder, URI.create("http://127.0.0.1:0"));
        Class<?> authType = loader.loadClass("org.gaul.s3proxy.auth.AuthenticationType");
        @SuppressWarnings({"unchecked", "rawtypes"})
        Object v2OrV4 = Enum.valueOf((Class) authType, "AWS_V2_OR_V4");
        builderType.getMethod("awsAuthentication", authType, String.class, String.class)
                .invoke(builder, v2OrV4, args[2], args[3]);
        long maxSinglePart = Long.parseLong(args[1]);
        if (maxSinglePart > 0) {
            builderType.getMethod("maxSinglePartObjectSize", long.class).invoke(builder, maxSinglePart);
        }
        Object proxy = builderType.getMethod("build").invoke(builder);
        proxyType.getMethod("start").invoke(proxy);
        while (!"STARTED".equals(proxyType.getMethod("getState").invoke(proxy))) {
            Thread.sleep(5);
        }
        protocol.println("PORT " + proxyType.getMethod("getPort").invoke(proxy));
        protocol.flush();
        while (System.in.read() >= 0) {
            // runs until the test JVM closes our standard input (or exits)
        }
        proxyType.getMethod("stop").invoke(proxy);
        System.exit(0);
    }
}
