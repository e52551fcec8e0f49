package io.onepanel.workflow.artifact.presign;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.ProgressMeter;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.artifact.archive.TarGz;
import io.onepanel.workflow.artifact.files.BoundedInput;
import io.onepanel.workflow.artifact.files.SafePaths;
import io.onepanel.workflow.artifact.files.SourceTree;
import io.onepanel.workflow.artifact.files.StagedTarget;
import io.onepanel.workflow.artifact.presign.Plans.DownloadPlan;
import io.onepanel.workflow.artifact.presign.Plans.GetFile;
import io.onepanel.workflow.artifact.presign.Plans.ManifestFile;
import io.onepanel.workflow.artifact.presign.Plans.MultipartFile;
import io.onepanel.workflow.artifact.presign.Plans.Presigned;
import io.onepanel.workflow.artifact.presign.Plans.PutFile;
import io.onepanel.workflow.artifact.presign.Plans.UploadManifest;
import io.onepanel.workflow.artifact.presign.Plans.UploadPlan;
import io.onepanel.workflow.artifact.presign.Plans.UploadReceipt;
import io.onepanel.workflow.template.ArchiveStrategy;
import io.onepanel.workflow.template.Artifact;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The keyless side of staging: runs a {@link StagingPlanner}'s plans with the JDK's HTTP client
 * and nothing else: no AWS SDK, no credentials. Downloads stream to files and are renamed into place;
 * uploads stream from files (large ones part by part); a few attempts with backoff absorb transient
 * failures; messages never show a URL's query string (its signature).
 */
public final class Stager implements AutoCloseable {

    private static final Pattern S3_CODE = Pattern.compile("<Code>([^<]{1,64})</Code>");

    /**
     * The longest one request may wait for its answer (after sending its body, a part of at most
     * 8 MiB): an endpoint that accepts and never answers fails the request, which is retried, instead
     * of holding the task. A cancelled task interrupts its requests at once.
     */
    static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(5);

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** The longest an answer's body may go without a byte: a stalled download fails and is retried. */
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);

    private final HttpClient http;
    private final ExecutorService pool;
    private final int attempts;
    private final Duration idle;

    public Stager(int parallelism, int attempts) {
        this(parallelism, attempts, IDLE_TIMEOUT);
    }

    /** @param idle how long an answer's body may go without a byte */
    Stager(int parallelism, int attempts, Duration idle) {
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
        this.pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "artifact-stager");
            t.setDaemon(true);
            return t;
        });
        this.attempts = attempts;
        this.idle = idle;
    }

    // ---------------------------------------------------------------- download

    public void fetch(DownloadPlan plan, Artifact input, Path target, TransferListener listener)
            throws ArtifactException {
        if (plan.missing()) {
            return;
        }
        ProgressMeter meter = new ProgressMeter(listener, plan.artifact(), plan.bytes(), plan.files().size());
        meter.start();
        try (StagedTarget staged = StagedTarget.create(target)) {
            if (plan.singleObject()) {
                Path file = staged.scratch().resolve("object");
                GetFile only = plan.files().get(0);
                run(List.of(() -> get(only, file, meter)));
                staged.commit(TarGz.unpackUnlessNone(input, file, staged.scratch()), input.mode());
                return;
            }
            Path into = Files.createDirectories(staged.content());
            for (String dir : plan.directories()) {
                Files.createDirectories(SafePaths.resolve(into, dir));
            }
            List<Step> steps = new ArrayList<>();
            for (GetFile f : plan.files()) {
                Path file = SafePaths.resolve(into, f.relative());
                Files.createDirectories(file.getParent());
                steps.add(() -> get(f, file, meter));
            }
            run(steps);
            staged.commit(into, input.mode());
        } catch (IOException e) {
            throw new ArtifactException("artifact '" + plan.artifact() + "': " + e.getMessage(), e);
        }
    }

    private void get(GetFile f, Path file, ProgressMeter meter) throws ArtifactException, IOException, InterruptedException {
        HttpResponse<Path> response = send(f.get(), HttpRequest.BodyPublishers.noBody(),
                HttpResponse.BodyHandlers.ofFile(file));
        if (response.statusCode() / 100 != 2) {
            throw failure(f.get(), response.statusCode(), Files.exists(file) ? Files.readString(file) : "");
        }
        if (Files.size(file) != f.size()) {
            throw new ArtifactException(f.get() + ": got " + Files.size(file) + " of " + f.size() + " bytes");
        }
        meter.fileDone(f.size());
    }

    // ---------------------------------------------------------------- upload

    /**
     * What one output consists of, ready to upload; closing removes a temporary archive. A task's
     * files are opened again only through {@link SourceTree.File#open()}, never by path.
     */
    public record PreparedUpload(UploadManifest manifest, Map<String, SourceTree.File> files, Path temporary)
            implements AutoCloseable {
        @Override
        public void close() {
            StagedTarget.deleteTree(temporary);
        }
    }

    /**
     * Reads an output before asking the signer for a plan: its files, or one tar.gz of it when the
     * (located) output says {@code archive: tar}.
     *
     * @return null when nothing is at {@code source}
     */
    public PreparedUpload prepare(Artifact output, Path source) throws ArtifactException {
        return prepare(output, source, null);
    }

    /**
     * As {@link #prepare(Artifact, Path)}, writing a tar.gz under {@code scratch} (null: the JVM's
     * temporary directory). In a pod, the scratch directory is a volume of the pod, so that a large
     * archive counts against the pod's own storage and goes with the pod, not into an image's /tmp.
     */
    public PreparedUpload prepare(Artifact output, Path source, Path scratch) throws ArtifactException {
        SourceTree tree = SourceTree.scan(source);
        if (tree == null) {
            return null;
        }
        ArchiveStrategy archive = output.archive() == null ? ArchiveStrategy.NONE : output.archive();
        if (archive.kind() == ArchiveStrategy.Kind.TAR) {
            Path tgz = null;
            try {
                // Resolved: our own file, whose path is then free of links like a task's.
                tgz = (scratch == null ? Files.createTempFile("onepanel-stager-", ".tgz")
                        : Files.createTempFile(Files.createDirectories(scratch), "onepanel-stager-", ".tgz"))
                        .toRealPath();
                TarGz.pack(source, tgz, archive.compressionLevel());
                long size = Files.size(tgz);
                return new PreparedUpload(new UploadManifest(output.name(), List.of(new ManifestFile("", size)),
                        List.of()), Map.of("", new SourceTree.File(tgz, "", size)), tgz);
            } catch (IOException | ArtifactException e) {
                StagedTarget.deleteTree(tgz);
                throw e instanceof ArtifactException a ? a
                        : new ArtifactException("artifact '" + output.name() + "': " + e.getMessage(), e);
            }
        }
        if (archive.kind() != ArchiveStrategy.Kind.NONE) {
            throw new ArtifactException("artifact '" + output.name() + "': zip archives are not supported");
        }
        List<ManifestFile> files = new ArrayList<>();
        Map<String, SourceTree.File> paths = new HashMap<>();
        for (SourceTree.File f : tree.files()) {
            files.add(new ManifestFile(f.relative(), f.size()));
            paths.put(f.relative(), f);
        }
        return new PreparedUpload(new UploadManifest(output.name(), files, tree.emptyDirectories()), paths, null);
    }

    /** Uploads everything the plan says; the receipt goes back to the signer to complete multipart uploads. */
    public UploadReceipt upload(UploadPlan plan, PreparedUpload prepared, TransferListener listener)
            throws ArtifactException {
        long bytes = prepared.manifest().files().stream().mapToLong(ManifestFile::size).sum();
        ProgressMeter meter = new ProgressMeter(listener, plan.artifact(), bytes, prepared.manifest().files().size());
        meter.start();
        List<Step> steps = new ArrayList<>();
        for (PutFile p : plan.puts()) {
            steps.add(() -> {
                SourceTree.File file = p.relative() == null ? null : prepared.files().get(p.relative());
                HttpRequest.BodyPublisher body = file == null || file.size() == 0
                        ? HttpRequest.BodyPublishers.noBody() : slice(file, 0, file.size());
                HttpResponse<String> response = send(p.put(), body, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 != 2) {
                    throw failure(p.put(), response.statusCode(), response.body());
                }
                if (file != null) {
                    meter.fileDone(file.size());
                }
            });
        }
        Map<String, String[]> etags = new HashMap<>();
        for (MultipartFile m : plan.multiparts()) {
            SourceTree.File file = prepared.files().get(m.relative());
            String[] parts = new String[m.parts().size()];
            etags.put(m.uploadId(), parts);
            for (int i = 0; i < parts.length; i++) {
                int index = i;
                long offset = i * m.partSize();
                long length = Math.min(m.partSize(), m.size() - offset);
                steps.add(() -> {
                    HttpRequest.BodyPublisher body = slice(file, offset, length);
                    HttpResponse<String> response = send(m.parts().get(index), body, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() / 100 != 2) {
                        throw failure(m.parts().get(index), response.statusCode(), response.body());
                    }
                    parts[index] = response.headers().firstValue("ETag").orElseThrow(
                            () -> new ArtifactException(m.parts().get(index) + ": no ETag in the response"));
                    meter.addBytes(length);
                    boolean last;
                    synchronized (parts) {
                        last = java.util.Arrays.stream(parts).allMatch(java.util.Objects::nonNull);
                    }
                    if (last) {
                        meter.fileDone(0);
                    }
                });
            }
        }
        run(steps);
        Map<String, List<String>> receipt = new HashMap<>();
        etags.forEach((id, parts) -> receipt.put(id, List.of(parts)));
        return new UploadReceipt(receipt);
    }

    /**
     * {@code length} bytes of a task's file from {@code offset}, opened without following links each
     * time the request is sent (a retry reads them again).
     */
    private static HttpRequest.BodyPublisher slice(SourceTree.File file, long offset, long length) {
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
            try {
                SeekableByteChannel channel = file.channel();
                channel.position(offset);
                return new BoundedInput(Channels.newInputStream(channel), length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }), length);
    }

    // ---------------------------------------------------------------- shared

    private interface Step {
        void run() throws ArtifactException, IOException, InterruptedException;
    }

    /** Runs steps on the pool; the first failure wins and stops steps not yet started. */
    private void run(List<Step> steps) throws ArtifactException {
        java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
        List<Future<?>> futures = new ArrayList<>(steps.size());
        for (Step step : steps) {
            futures.add(pool.submit(() -> {
                if (failure.get() != null) {
                    return;
                }
                try {
                    step.run();
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new ArtifactException("staging interrupted", e);
        } catch (ExecutionException e) {
            failure.compareAndSet(null, (Exception) e.getCause());
        }
        Exception e = failure.get();
        if (e instanceof ArtifactException a) {
            throw a;
        }
        if (e != null) {
            throw new ArtifactException("staging failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), e);
        }
    }

    /** Sends a presigned request with bounded retries on I/O errors and 5xx, backing off exponentially. */
    private <T> HttpResponse<T> send(Presigned request, HttpRequest.BodyPublisher body,
            HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(request.url()).method(request.method(), body)
                .timeout(ANSWER_TIMEOUT);
        request.headers().forEach((name, values) -> values.forEach(v -> builder.header(name, v)));
        HttpRequest built = builder.build();
        IOException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                HttpResponse<T> response = IdleBoundExchange.send(http, built, handler, idle);
                if (response.statusCode() < 500 || attempt == attempts) {
                    return response;
                }
            } catch (IOException e) {
                IOException reading = readingFailure(e);
                if (reading != null) {
                    throw reading; // our side: the file is gone or became a link; no retry changes that
                }
                last = e;
            }
            Thread.sleep(Math.min(5_000L, 100L << (attempt - 1)));
        }
        throw new IOException(request + ": failed after " + attempts + " attempts"
                + (last == null ? "" : ": " + last.getClass().getSimpleName()), last);
    }

    /** The failure to read a file being uploaded, when that is what ended the request. */
    private static IOException readingFailure(Throwable e) {
        for (Throwable c = e; c != null && c.getCause() != c; c = c.getCause()) {
            if (c instanceof UncheckedIOException unchecked) {
                return unchecked.getCause();
            }
        }
        return null;
    }

    private static ArtifactException failure(Presigned request, int status, String body) {
        Matcher code = S3_CODE.matcher(body == null ? "" : body);
        return new ArtifactException(request + ": HTTP " + status + (code.find() ? " (" + code.group(1) + ")" : ""));
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
