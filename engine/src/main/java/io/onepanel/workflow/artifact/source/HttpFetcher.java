package io.onepanel.workflow.artifact.source;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.ProgressMeter;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.artifact.files.StagedTarget;
import io.onepanel.workflow.template.Artifact;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * {@code http:} inputs: a GET with the artifact's headers, streamed to the artifact's path (never
 * held in memory). Messages show the URL without its query string, and never the headers, since both
 * can carry tokens. Bounded by {@link FetchLimits}: the connection, the answer and each next bytes
 * of the body must come in time, and the whole fetch must end in time.
 */
public final class HttpFetcher {

    private final FetchLimits limits;
    /**
     * Made on the first fetch: most runs and stagers have no {@code http:} input, and a client costs
     * about 0.6 s of start-up (its TLS context) and kept an idle JVM alive ~350 ms longer at exit.
     */
    private HttpClient client;

    public HttpFetcher() {
        this(FetchLimits.DEFAULT);
    }

    public HttpFetcher(FetchLimits limits) {
        this(null, limits);
    }

    /** @param client the client to use, or null to make one on the first fetch */
    public HttpFetcher(HttpClient client, FetchLimits limits) {
        this.client = client;
        this.limits = limits;
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(limits.connect())
                    .build();
        }
        return client;
    }

    public void fetch(Artifact input, Path target, TransferListener listener) throws ArtifactException {
        String shown = withoutQuery(input.http().url());
        String what = "artifact '" + input.name() + "': GET " + shown;
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(input.http().url())).GET();
        } catch (IllegalArgumentException e) {
            throw new ArtifactException("artifact '" + input.name() + "': invalid URL " + shown);
        }
        for (Map.Entry<String, String> h : input.http().headers().entrySet()) {
            request.header(h.getKey(), h.getValue());
        }
        long started = System.nanoTime();
        try (StagedTarget staged = StagedTarget.create(target)) {
            // The answer's headers must come within the idle timeout (and the total bound).
            Duration answer = limits.idle().compareTo(limits.total()) < 0 ? limits.idle() : limits.total();
            HttpResponse<InputStream> response;
            try {
                response = client().send(request.timeout(answer).build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (HttpConnectTimeoutException e) {
                throw new ArtifactException(what + ": no connection within " + FetchLimits.words(limits.connect())
                        + " (connect timeout)", e);
            } catch (HttpTimeoutException e) {
                throw new ArtifactException(what + ": no answer within " + FetchLimits.words(answer)
                        + (answer == limits.idle() ? " (idle timeout)" : " (the limit of one fetch)"), e);
            }
            InputStream body = response.body();
            try (body; FetchClock clock = new FetchClock(limits, started, () -> closeQuietly(body))) {
                try {
                    receive(input, response, body, staged, clock, what, listener);
                } catch (IOException e) {
                    if (clock.expired() != null) {
                        throw new ArtifactException(what + ": " + clock.expired(), e);
                    }
                    throw e;
                }
            }
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new ArtifactException(what + ": interrupted", e);
            }
            throw new ArtifactException(what + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ArtifactException(what + ": interrupted", e);
        }
    }

    private static void receive(Artifact input, HttpResponse<InputStream> response, InputStream body,
            StagedTarget staged, FetchClock clock, String what, TransferListener listener)
            throws IOException, ArtifactException {
        if (response.statusCode() == 404 && input.optional()) {
            return;
        }
        if (response.statusCode() / 100 != 2) {
            throw new ArtifactException(what + ": HTTP " + response.statusCode());
        }
        long length = response.headers().firstValueAsLong("content-length").orElse(-1);
        ProgressMeter meter = new ProgressMeter(listener, input.name(), length, 1);
        meter.start();
        long total = 0;
        try (OutputStream out = Files.newOutputStream(staged.content())) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = body.read(buffer)) >= 0) {
                clock.touch();
                out.write(buffer, 0, n);
                total += n;
                meter.addBytes(n);
            }
        }
        if (length >= 0 && total != length) {
            throw new ArtifactException(what + ": got " + total + " of " + length + " bytes");
        }
        staged.commit(staged.content(), input.mode());
        meter.fileDone(0);
    }

    private static void closeQuietly(InputStream body) {
        try {
            body.close(); // unblocks the fetching thread's read
        } catch (IOException e) {
            // it fails with the clock's reason either way
        }
    }

    static String withoutQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?…";
    }
}
