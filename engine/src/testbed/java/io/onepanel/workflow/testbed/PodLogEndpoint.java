package io.onepanel.workflow.testbed;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/namespaces/{ns}/pods/{name}/log}: a container's log from the kubelet's file,
 * streamed (chunked) as it grows with {@code follow=true} until the container has ended, as the API
 * server relays it from a real kubelet. Supports {@code container}, {@code follow},
 * {@code tailLines} and {@code limitBytes}; refuses, with a Status the client shows,
 * {@code previous} (containers never restart here), {@code timestamps} and {@code sinceSeconds} /
 * {@code sinceTime} (the file keeps no times).
 */
final class PodLogEndpoint implements AutoCloseable {

    private static final Pattern PATH = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/]+)/log");
    private static final long TAIL_WINDOW = 16L << 20;
    private static final long FOLLOW_POLL_MILLIS = 50;

    private final ContainerLogs logs;
    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private final ExecutorService streams = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "testbed-pod-log");
        t.setDaemon(true);
        return t;
    });

    PodLogEndpoint(ContainerLogs logs) {
        this.logs = logs;
    }

    /** Serves the request when it is a pod log request; false otherwise. */
    boolean serve(HttpServerRequest request) {
        Matcher m = PATH.matcher(request.path());
        if (request.method() != io.vertx.core.http.HttpMethod.GET || !m.matches()) {
            return false;
        }
        AtomicBoolean closed = new AtomicBoolean();
        request.connection().closeHandler(v -> closed.set(true));
        request.response().closeHandler(v -> closed.set(true));
        String ns = m.group(1);
        String pod = m.group(2);
        streams.execute(() -> stream(request, ns, pod, closed));
        return true;
    }

    private void stream(HttpServerRequest request, String ns, String pod, AtomicBoolean closed) {
        HttpServerResponse response = request.response();
        var params = request.params();
        if ("true".equals(params.get("previous"))) {
            refuse(response, 400, "BadRequest", "previous terminated container \"" + params.get("container")
                    + "\" in pod \"" + pod + "\" not found (containers never restart on the test bed)");
            return;
        }
        for (String unsupported : new String[] {"timestamps", "sinceSeconds", "sinceTime"}) {
            String value = params.get(unsupported);
            if (value != null && !value.equals("false")) {
                refuse(response, 400, "BadRequest", "the test bed's log files keep no times: " + unsupported
                        + " is not supported");
                return;
            }
        }
        ContainerLogs.Lookup found = logs.find(ns, pod, params.get("container"));
        if (found instanceof ContainerLogs.Refused r) {
            refuse(response, r.code(), r.reason(), r.message());
            return;
        }
        ContainerLogs.Found log = (ContainerLogs.Found) found;
        boolean follow = "true".equals(params.get("follow"));
        long limit = params.get("limitBytes") == null ? Long.MAX_VALUE : Long.parseLong(params.get("limitBytes"));
        response.setStatusCode(200).setChunked(true).putHeader("Content-Type", "text/plain");
        try (FileChannel file = FileChannel.open(log.file(), StandardOpenOption.READ)) {
            long offset = params.get("tailLines") == null ? 0 : tailStart(file, Integer.parseInt(params.get("tailLines")));
            long sent = 0;
            ByteBuffer chunk = ByteBuffer.allocate(16 * 1024);
            while (!closed.get() && sent < limit) {
                boolean endedBefore = log.ended().getAsBoolean(); // read after this sees every byte written before it
                chunk.clear().limit((int) Math.min(chunk.capacity(), limit - sent));
                int n = file.read(chunk, offset);
                if (n > 0) {
                    offset += n;
                    sent += n;
                    awaitDrained(response, closed);
                    response.write(Buffer.buffer(java.util.Arrays.copyOf(chunk.array(), n)));
                } else if (!follow || endedBefore) {
                    break;
                } else {
                    Thread.sleep(FOLLOW_POLL_MILLIS);
                }
            }
            if (!closed.get()) {
                response.end();
            }
        } catch (IOException | RuntimeException e) {
            response.reset();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.reset();
        }
    }

    /** Where the last {@code lines} lines start (a final line break ends the last line, it starts none). */
    private static long tailStart(FileChannel file, int lines) throws IOException {
        long size = file.size();
        long from = Math.max(0, size - TAIL_WINDOW);
        ByteBuffer bytes = ByteBuffer.allocate((int) (size - from));
        file.read(bytes, from);
        byte[] b = bytes.array();
        int seen = 0;
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] == '\n' && i != b.length - 1 && ++seen == lines) {
                return from + i + 1;
            }
        }
        return lines <= 0 ? size : from;
    }

    private static void awaitDrained(HttpServerResponse response, AtomicBoolean closed) throws InterruptedException {
        while (response.writeQueueFull() && !closed.get()) {
            Thread.sleep(5);
        }
    }

    /** The API server's answer to a request it refuses: a Status, which clients show as the error. */
    static void refuse(HttpServerResponse response, int code, String reason, String message) {
        if (response.headWritten()) {
            response.reset();
            return;
        }
        response.setStatusCode(code).putHeader("Content-Type", "application/json")
                .end(JSON.asJson(new StatusBuilder().withApiVersion("v1").withKind("Status").withStatus("Failure")
                        .withCode(code).withReason(reason).withMessage(message).build()));
    }

    @Override
    public void close() {
        streams.shutdownNow();
    }
}
