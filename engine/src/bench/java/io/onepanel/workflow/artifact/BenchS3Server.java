package io.onepanel.workflow.artifact;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stock S3Proxy as users run it ({@code java -jar s3proxy.jar --properties FILE}, the build copies
 * the jar to {@code engine/target/s3proxy/s3proxy.jar}) over a filesystem blob store, in its own
 * process so its CPU is counted apart from the client's. No setting but endpoint, keys and store:
 * unknown headers are refused, as by default.
 */
public final class BenchS3Server implements AutoCloseable {

    private final Process process;
    private final URI endpoint;

    private BenchS3Server(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    public static BenchS3Server start(Path jar, Path storage, String accessKey, String secretKey)
            throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no S3Proxy jar at " + jar + ": run mvn -f engine/pom.xml -Pbench package "
                    + "-DskipTests first (it copies the jar there)");
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Files.createDirectories(storage);
        Path properties = storage.resolveSibling("s3proxy.properties");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + accessKey,
                "s3proxy.credential=" + secretKey,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + storage.toAbsolutePath(),
                "jclouds.identity=unused",
                "jclouds.credential=unused", ""));
        ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar.toAbsolutePath().toString(), "--properties", properties.toString()))
                .redirectOutput(storage.resolveSibling("s3proxy.log").toFile())
                .redirectErrorStream(true);
        builder.environment().put("LOG_LEVEL", "warn");
        Process process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                break;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IllegalStateException("S3Proxy did not start; see "
                            + storage.resolveSibling("s3proxy.log"));
                }
                Thread.sleep(50);
            }
        }
        return new BenchS3Server(process, URI.create("http://127.0.0.1:" + port));
    }

    public URI endpoint() {
        return endpoint;
    }

    public Process process() {
        return process;
    }

    /** The server's own CPU time so far, in nanoseconds (0 when the platform does not tell). */
    public long cpuNanos() {
        return process.toHandle().info().totalCpuDuration().map(d -> d.toNanos()).orElse(0L);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
