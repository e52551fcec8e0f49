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
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * {@code http:} inputs: a GET with the artifact's headers, streamed to the artifact's path (never
 * held in memory). Messages show the URL without its query string, and never the headers, since both
 * can carry tokens.
 */
public final class HttpFetcher {

    private final HttpClient client;

    public HttpFetcher() {
        this(HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(10))
                .build());
    }

    public HttpFetcher(HttpClient client) {
        this.client = client;
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
        try (StagedTarget staged = StagedTarget.create(target)) {
            HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
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
        } catch (IOException e) {
            throw new ArtifactException(what + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ArtifactException(what + ": interrupted", e);
        }
    }

    static String withoutQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?…";
    }
}
