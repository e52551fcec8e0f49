package io.onepanel.workflow.artifact;

import java.net.URI;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * S3Proxy over an in-memory blob store on 127.0.0.1, run in its own JVM by {@link
 * ArtifactTransferBenchmark} so the benchmark's heap figures are the client's alone. Prints
 * "PORT n" when ready; stops when its standard input closes.
 */
public final class BenchS3Server {

    public static void main(String[] args) throws Exception {
        BlobStoreContext context = ContextBuilder.newBuilder("transient")
                .credentials("identity", "credential").build(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, args[0], args[1])
                .maxSinglePartObjectSize(5L << 30)
                .jettyMaxThreads(200)
                .ignoreUnknownHeaders(true)
                .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(5);
        }
        System.out.println("PORT " + proxy.getPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the parent to close our stdin
        }
        proxy.stop();
        context.close();
    }
}
