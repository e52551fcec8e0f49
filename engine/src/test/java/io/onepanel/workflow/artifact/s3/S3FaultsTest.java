package io.onepanel.workflow.artifact.s3;

import static io.onepanel.workflow.artifact.TestArtifacts.s3;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.ArtifactRepository;
import io.onepanel.workflow.artifact.CredentialsResolver;
import io.onepanel.workflow.artifact.S3Credentials;
import io.onepanel.workflow.artifact.S3ProxyServer;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.artifact.TransferSettings;
import io.onepanel.workflow.template.ArchiveStrategy;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * What a dying S3 server or a cancelled run does to a transfer: a real S3Proxy process killed in the
 * middle of a large upload or download, and a transfer whose thread is interrupted. Every such
 * transfer ends with one clear line, leaves nothing under the final key and no temporary file. The
 * {@code @Timeout}s only catch a transfer that never ends (as one did, parked for ever); they say
 * nothing about speed.
 */
class S3FaultsTest {

    private static final long SIZE = 96 * TransferSettings.MiB;

    /** The defaults users get, with the test's short backoff. */
    private static final TransferSettings SETTINGS = TransferSettings.DEFAULT
            .withRetries(3, Duration.ofMillis(50), Duration.ofMillis(200))
            .withMultipart(5 * TransferSettings.MiB, 5 * TransferSettings.MiB)
            .withMaxConcurrency(4);

    @TempDir
    Path tmp;

    private static ArtifactRepository repository(S3ProxyServer server, String bucket) {
        return ArtifactRepository.onepanel(bucket)
                .withEndpoint(server.endpoint().toString(), true)
                .withCredentials(new S3Credentials.StaticKeys(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY))
                .withTransfers(SETTINGS);
    }

    private static Path bigFile(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] chunk = new byte[1 << 20];
        new Random(11).nextBytes(chunk);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = SIZE; left > 0; left -= chunk.length) {
                out.write(chunk);
            }
        }
        return file;
    }

    /** Kills the server once {@code atLeast} bytes have moved. */
    private static TransferListener killingAfter(S3ProxyServer server, long atLeast) {
        CountDownLatch once = new CountDownLatch(1);
        return p -> {
            if (p.bytesDone() >= atLeast && once.getCount() > 0) {
                once.countDown();
                try {
                    server.kill();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    private static List<String> entries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void serverKilledDuringALargeUpload_failsInOneLine_andLeavesNoObject() throws Exception {
        Path data = tmp.resolve("s3-data");
        Path source = bigFile(tmp.resolve("out/model.bin"));
        try (S3ProxyServer server = S3ProxyServer.filesystemStore(data)) {
            server.client().createBucket(b -> b.bucket("faults"));
            try (S3ArtifactStore store = new S3ArtifactStore(repository(server, "faults"), CredentialsResolver.NONE)) {
                assertThatThrownBy(() -> store.store(s3("model", "/out/model.bin", "runs/model.bin"), source,
                        killingAfter(server, 12 * TransferSettings.MiB)))
                        .isInstanceOf(ArtifactException.class)
                        .hasMessageStartingWith("artifact 'model': ")
                        .hasMessageContaining(server.endpoint().toString())
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            }
        }
        try (S3ProxyServer again = S3ProxyServer.filesystemStore(data)) {
            assertThat(again.client().listObjectsV2(l -> l.bucket("faults")).contents()).isEmpty();
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void serverKilledDuringALargeDownload_failsInOneLine_andLeavesNothingBehind() throws Exception {
        Path source = bigFile(tmp.resolve("src/model.bin"));
        Path into = Files.createDirectories(tmp.resolve("task/inputs"));
        try (S3ProxyServer server = S3ProxyServer.filesystemStore(tmp.resolve("s3-data"))) {
            server.client().createBucket(b -> b.bucket("faults"));
            server.client().putObject(p -> p.bucket("faults").key("runs/model.bin"), RequestBody.fromFile(source));
            try (S3ArtifactStore store = new S3ArtifactStore(repository(server, "faults"), CredentialsResolver.NONE)) {
                assertThatThrownBy(() -> store.fetch(s3("model", "/in/model.bin", "runs/model.bin"),
                        into.resolve("model.bin"), killingAfter(server, 12 * TransferSettings.MiB)))
                        .isInstanceOf(ArtifactException.class)
                        .hasMessageStartingWith("artifact 'model': ")
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            }
        }
        assertThat(entries(into)).isEmpty();
    }

    /** A server that accepts connections and then says nothing: the stall limit ends the transfer. */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void silentServer_failsAfterTheStallLimit_namingIt() throws Exception {
        Path source = bigFile(tmp.resolve("out/model.bin"));
        List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            ArtifactRepository silentRepository = ArtifactRepository.onepanel("faults")
                    .withEndpoint("127.0.0.1:" + silent.getLocalPort(), true)
                    .withCredentials(new S3Credentials.StaticKeys(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY))
                    .withTransfers(SETTINGS.withStallTimeout(Duration.ofSeconds(3)));
            try (S3ArtifactStore store = new S3ArtifactStore(silentRepository, CredentialsResolver.NONE)) {
                assertThatThrownBy(() -> store.store(s3("model", "/out/model.bin", "runs/model.bin"), source,
                        TransferListener.NONE))
                        .isInstanceOf(ArtifactException.class)
                        .hasMessageContaining("artifact 'model': no data moved for 3 s, the endpoint stopped answering")
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            }
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void interruptedUpload_endsPromptly_andLeavesNoObject() throws Exception {
        interrupted(true);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void interruptedDownload_endsPromptly_andLeavesNothingBehind() throws Exception {
        interrupted(false);
    }

    /** The thread running a transfer is interrupted (how a run is cancelled) once bytes are moving. */
    private void interrupted(boolean upload) throws Exception {
        Path source = bigFile(tmp.resolve("src/model.bin"));
        Path into = Files.createDirectories(tmp.resolve("task/inputs"));
        try (S3ProxyServer server = S3ProxyServer.filesystemStore(tmp.resolve("s3-data"))) {
            server.client().createBucket(b -> b.bucket("faults"));
            if (!upload) {
                server.client().putObject(p -> p.bucket("faults").key("runs/model.bin"), RequestBody.fromFile(source));
            }
            try (S3ArtifactStore store = new S3ArtifactStore(repository(server, "faults")
                    .withDefaultArchive(ArchiveStrategy.NONE), CredentialsResolver.NONE)) {
                AtomicReference<Thread> worker = new AtomicReference<>();
                CountDownLatch moving = new CountDownLatch(1);
                TransferListener listener = p -> {
                    if (p.bytesDone() >= 8 * TransferSettings.MiB) {
                        moving.countDown();
                    }
                };
                CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
                    worker.set(Thread.currentThread());
                    try {
                        if (upload) {
                            store.store(s3("model", "/out/model.bin", "runs/up.bin"), source, listener);
                        } else {
                            store.fetch(s3("model", "/in/model.bin", "runs/model.bin"), into.resolve("model.bin"),
                                    listener);
                        }
                        return null;
                    } catch (Throwable t) {
                        return t;
                    }
                });
                moving.await();
                long interruptedAt = System.nanoTime();
                worker.get().interrupt();
                Throwable failure = outcome.get();
                System.out.printf("%s ended %d ms after the interrupt%n", upload ? "upload" : "download",
                        (System.nanoTime() - interruptedAt) / 1_000_000);
                assertThat(failure).isInstanceOf(ArtifactException.class);
                assertThat(failure.getMessage()).contains("interrupted").doesNotContain("\n");
                if (upload) {
                    assertThat(server.client().listObjectsV2(l -> l.bucket("faults").prefix("runs/up")).contents())
                            .isEmpty();
                    assertThat(server.client().listMultipartUploads(l -> l.bucket("faults")).uploads()).isEmpty();
                }
            }
        }
        assertThat(entries(into)).isEmpty();
    }
}
