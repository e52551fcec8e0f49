package io.onepanel.workflow.artifact.presign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.TestArtifacts;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.template.Artifact;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A presigned download whose server sends the answer's headers and a few bytes, then nothing, ends
 * (after its retries) instead of holding the task: the JDK client's request timeout covers only the
 * wait for the headers. A real server on a real socket; the idle bound is shortened for the test.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES) // a hang guard only
class StalledAnswerTest {

    @TempDir
    Path tmp;

    @Test
    void aBodyThatStopsComingFailsTheDownloadAfterItsRetries() throws Exception {
        AtomicInteger answered = new AtomicInteger();
        List<Socket> open = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread serve = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        synchronized (open) {
                            open.add(s); // kept open and silent: a stalled body, not a closed one
                        }
                        s.getInputStream().read(new byte[8192]);
                        OutputStream out = s.getOutputStream();
                        out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nfirst bytes"
                                .getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        answered.incrementAndGet();
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            serve.setDaemon(true);
            serve.start();
            URI url = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/bucket/model.bin?X-Amz-Signature=s");
            Plans.DownloadPlan plan = new Plans.DownloadPlan("model", true, false,
                    List.of(new Plans.GetFile("", 1000, new Plans.Presigned("GET", url, Map.of()))), List.of(), 1000);
            Artifact input = TestArtifacts.s3("model", "/in", "model.bin");
            try (Stager stager = new Stager(1, 2, Duration.ofSeconds(1))) {
                assertThatThrownBy(() -> stager.fetch(plan, input, tmp.resolve("in"), TransferListener.NONE))
                        .isInstanceOf(ArtifactException.class)
                        .hasMessageContaining("failed after 2 attempts")
                        .hasMessageNotContaining("X-Amz-Signature");
            }
            assertThat(answered.get()).as("each attempt got the headers and then nothing").isEqualTo(2);
            assertThat(tmp.resolve("in")).doesNotExist();
        } finally {
            synchronized (open) {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }
}
