package io.onepanel.workflow.artifact.s3;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.ArtifactRepository;
import io.onepanel.workflow.artifact.ArtifactStore;
import io.onepanel.workflow.artifact.CredentialsResolver;
import io.onepanel.workflow.artifact.ObjectKeys;
import io.onepanel.workflow.artifact.ProgressMeter;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.artifact.archive.TarGz;
import io.onepanel.workflow.artifact.files.BoundedInput;
import io.onepanel.workflow.artifact.files.SafePaths;
import io.onepanel.workflow.artifact.files.SourceTree;
import io.onepanel.workflow.artifact.files.StagedTarget;
import io.onepanel.workflow.template.ArchiveStrategy;
import io.onepanel.workflow.template.Artifact;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.core.exception.RetryableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.transfer.s3.model.UploadRequest;

/**
 * Artifacts in S3 (or any S3-compatible server) through the AWS SDK v2: the async client with
 * multipart enabled and the S3 transfer manager. Large files go in parts, many files go in parallel
 * (up to {@code maxConcurrency} requests at once), everything streams between disk and network, and
 * progress in bytes and files is reported as it happens.
 *
 * <p>Key semantics are Argo's: a key that names an object is fetched as a file (unpacked when it is
 * a tar.gz and the input does not say {@code archive: none}); otherwise the key is a prefix and the
 * tree under {@code key/} is fetched as a directory. Unarchived directory outputs become one object
 * per file under the key prefix, empty directories a zero-byte {@code dir/} marker.
 *
 * <p>Failure leaves nothing behind: fetches are staged next to the target and renamed into place;
 * multipart uploads are aborted by the SDK; objects of a directory upload that fails are deleted.
 */
public final class S3ArtifactStore implements ArtifactStore, AutoCloseable {

    private final ArtifactRepository repository;
    private final S3Connections connections;
    /** Threads that read a task's files into uploads: one per upload in flight, idle ones end. */
    private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "s3-upload-reader");
        t.setDaemon(true);
        return t;
    });

    public S3ArtifactStore(ArtifactRepository repository, CredentialsResolver resolver) {
        this.repository = repository;
        this.connections = new S3Connections(repository.transfers(), resolver);
    }

    public ArtifactRepository repository() {
        return repository;
    }

    /**
     * The pre-flight check of the default repository (when it names a bucket): one HeadBucket with
     * its endpoint, region and credentials, so bad credentials, a missing bucket or an unreachable
     * endpoint are told before any task runs.
     */
    public void checkRepository() throws ArtifactException {
        RepositoryCheck.check(connections, repository);
    }

    /** The clients this store uses (shared with a {@code StagingPlanner}). */
    public S3Connections connections() {
        return connections;
    }

    @Override
    public Artifact locate(Artifact output, Map<String, String> variables) {
        return repository.locate(output, variables);
    }

    // ---------------------------------------------------------------- fetch

    @Override
    public void fetch(Artifact input, Path target, TransferListener listener) throws ArtifactException {
        S3Location at = S3Location.of(input, repository);
        S3Connections.Connection c = connections.get(at.connectionKey());
        String what = "artifact '" + input.name() + "'";
        HeadObjectResponse head = head(c, at, what);
        List<S3Object> objects = head == null ? listPrefix(c, at, what) : List.of();
        if (head == null && objects.isEmpty()) {
            if (input.optional()) {
                return;
            }
            throw new ArtifactException(what + ": no object or prefix '" + at.key() + "' in bucket '" + at.bucket()
                    + "' at " + at.endpointName());
        }
        try (StagedTarget staged = StagedTarget.create(target)) {
            if (head != null) {
                long size = head.contentLength() == null ? -1 : head.contentLength();
                ProgressMeter meter = new ProgressMeter(listener, input.name(), size, 1);
                meter.start();
                Path file = staged.scratch().resolve("object");
                transferBlocking(List.of(at.key()), (key, open) -> download(c, at.bucket(), key, file, size, meter, open),
                        meter, at, what);
                staged.commit(TarGz.unpackUnlessNone(input, file, staged.scratch()), input.mode());
            } else {
                downloadTree(c, at, objects, staged.content(), new ProgressMeter(listener, input.name(), -1, -1), what);
                staged.commit(staged.content(), input.mode());
            }
        }
    }

    private HeadObjectResponse head(S3Connections.Connection c, S3Location at, String what) throws ArtifactException {
        try {
            return c.client().headObject(h -> h.bucket(at.bucket()).key(at.key())
                    .overrideConfiguration(o -> o.apiCallTimeout(c.settings().stallTimeout()))).join();
        } catch (CompletionException e) {
            if (S3Errors.isNotFound(e)) {
                return null;
            }
            throw S3Errors.describe(e, what, at, c.settings().maxAttempts());
        }
    }

    /** Every object under {@code key/}, all pages. */
    List<S3Object> listPrefix(S3Connections.Connection c, S3Location at, String what) throws ArtifactException {
        String prefix = at.key() + "/";
        List<S3Object> objects = new ArrayList<>();
        String token = null;
        try {
            do {
                String continuation = token;
                ListObjectsV2Response page = c.client().listObjectsV2(l -> l.bucket(at.bucket()).prefix(prefix)
                        .continuationToken(continuation)
                        .overrideConfiguration(o -> o.apiCallTimeout(c.settings().stallTimeout()))).join();
                objects.addAll(page.contents());
                token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (token != null);
        } catch (CompletionException e) {
            throw S3Errors.describe(e, what, at, c.settings().maxAttempts());
        }
        return objects;
    }

    private void downloadTree(S3Connections.Connection c, S3Location at, List<S3Object> objects, Path into,
            ProgressMeter meter, String what) throws ArtifactException {
        String prefix = at.key() + "/";
        record Planned(String key, Path path, long size) {}
        List<Planned> files = new ArrayList<>();
        List<Path> directories = new ArrayList<>();
        long bytes = 0;
        try {
            Files.createDirectories(into);
        } catch (IOException e) {
            throw new ArtifactException(what + ": cannot create " + into + ": " + e.getMessage(), e);
        }
        for (S3Object o : objects) {
            String rel = o.key().substring(prefix.length());
            if (rel.isEmpty()) {
                continue;
            }
            Path path = SafePaths.resolve(into, rel);
            if (rel.endsWith("/")) {
                directories.add(path);
            } else {
                files.add(new Planned(o.key(), path, o.size()));
                bytes += o.size();
            }
        }
        try {
            for (Path d : directories) {
                Files.createDirectories(d);
            }
            Set<Path> parents = new HashSet<>();
            for (Planned f : files) {
                if (parents.add(f.path().getParent())) {
                    Files.createDirectories(f.path().getParent());
                }
            }
        } catch (IOException e) {
            throw new ArtifactException(what + ": cannot lay out " + at.url() + " as a directory: " + e.getMessage(), e);
        }
        meter.totals(bytes, files.size());
        transferBlocking(files, (f, open) -> download(c, at.bucket(), f.key(), f.path(), f.size(), meter, open), meter,
                at, what);
    }

    /** Read buffer per download thread; bytes are handed to the progress meter about once a MiB. */
    private static final int BUFFER = 256 * 1024;
    private static final long REPORT_EVERY = 1 << 20;
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[BUFFER]);

    /**
     * One streaming GET into {@code file} on the calling thread, through the blocking client. Each
     * attempt truncates the file and writes from the start; a failure while reading the body (a
     * reset connection, a short body) is retried by the SDK like any other transient failure, one
     * while writing the file (a full disk) is not.
     */
    private static void download(S3Connections.Connection c, String bucket, String key, Path file, long size,
            ProgressMeter meter, Set<AbortableInputStream> open) {
        FileProgress progress = new FileProgress(meter, size);
        c.blocking().getObject(g -> g.bucket(bucket).key(key), (response, in) -> {
            open.add(in);
            try {
                return write(key, response, in, file, progress);
            } finally {
                open.remove(in);
            }
        });
        progress.done();
    }

    private static GetObjectResponse write(String key, GetObjectResponse response, AbortableInputStream in, Path file,
            FileProgress progress) throws IOException {
        byte[] buffer = BUFFERS.get();
        ByteBuffer wrapped = ByteBuffer.wrap(buffer);
        long expected = response.contentLength() == null ? -1 : response.contentLength();
        long done = 0;
        long reported = 0;
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    throw RetryableException.builder().message("reading " + key + ": " + e.getMessage())
                            .cause(e).build();
                }
                if (n < 0) {
                    break;
                }
                wrapped.clear().limit(n);
                while (wrapped.hasRemaining()) {
                    out.write(wrapped);
                }
                done += n;
                if (done - reported >= REPORT_EVERY) {
                    progress.transferred(done);
                    reported = done;
                }
            }
        }
        if (expected >= 0 && done != expected) {
            throw RetryableException.builder()
                    .message("reading " + key + ": the body ended after " + done + " of " + expected + " bytes")
                    .build();
        }
        return response;
    }

    /**
     * Runs {@code task} once per item on up to {@code maxConcurrency} threads of its own (blocking
     * transfers), at most that many at once, and waits for all. Cancelling interrupts the threads and
     * aborts the responses being read (a blocking socket read does not see an interrupt), and waits
     * until no thread writes any more, so the caller's clean-up is the last word on the files.
     */
    private <T> void transferBlocking(List<T> items, BlockingTask<T> task, ProgressMeter meter, S3Location at,
            String what) throws ArtifactException {
        int threads = Math.max(1, Math.min(items.size(), connections.settings().maxConcurrency()));
        AtomicInteger number = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "s3-transfer-" + number.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Set<AbortableInputStream> open = ConcurrentHashMap.newKeySet();
        Runnable abort = () -> {
            pool.shutdownNow();
            open.forEach(AbortableInputStream::abort);
        };
        try {
            transfer(items, item -> CompletableFuture.runAsync(() -> task.accept(item, open), pool), meter, abort, at,
                    what);
        } finally {
            abort.run();
            awaitQuietly(pool);
        }
    }

    /** Waits (boundedly) for the download threads to end, keeping the caller's interrupt status. */
    private static void awaitQuietly(ExecutorService pool) {
        boolean interrupted = Thread.interrupted();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @FunctionalInterface
    private interface BlockingTask<T> {
        void accept(T item, Set<AbortableInputStream> open);
    }

    // ---------------------------------------------------------------- store

    @Override
    public Artifact store(Artifact output, Path source, TransferListener listener) throws ArtifactException {
        S3Location at = S3Location.of(output, repository);
        String what = "artifact '" + output.name() + "'";
        SourceTree tree = SourceTree.scan(source);
        if (tree == null) {
            if (output.optional()) {
                return null;
            }
            throw new ArtifactException(what + ": nothing at " + source + " to store");
        }
        ArchiveStrategy archive = repository.archiveOf(output);
        S3Connections.Connection c = connections.get(at.connectionKey());
        c.uploads().begin(at.bucket(), at.key());
        try {
            store(c, at, output, source, tree, archive, listener, what);
        } catch (ArtifactException | RuntimeException e) {
            c.uploads().abandon(at.bucket(), at.key());
            throw e;
        }
        return ArtifactRepository.withArchive(output, archive);
    }

    private void store(S3Connections.Connection c, S3Location at, Artifact output, Path source, SourceTree tree,
            ArchiveStrategy archive, TransferListener listener, String what) throws ArtifactException {
        switch (archive.kind()) {
            case TAR -> storeArchive(c, at, output, source, archive, listener, what);
            case NONE -> {
                if (tree.directory()) {
                    storeTree(c, at, tree, new ProgressMeter(listener, output.name(), tree.bytes(), tree.fileCount()),
                            what);
                } else {
                    ProgressMeter meter = new ProgressMeter(listener, output.name(), tree.bytes(), 1);
                    meter.start();
                    upload(c, at, tree.files(), f -> at.key(), meter, key -> { }, what);
                }
            }
            case ZIP -> throw new ArtifactException(what + ": zip archives are not supported; use tar or none");
        }
    }

    private void storeArchive(S3Connections.Connection c, S3Location at, Artifact output, Path source,
            ArchiveStrategy archive, TransferListener listener, String what) throws ArtifactException {
        Path tgz = null;
        try {
            // Resolved: our own file, whose path is then free of links like a task's.
            tgz = Files.createTempFile("onepanel-artifact-", ".tgz").toRealPath();
            TarGz.pack(source, tgz, archive.compressionLevel());
            long size = Files.size(tgz);
            ProgressMeter meter = new ProgressMeter(listener, output.name(), size, 1);
            meter.start();
            SourceTree.File archived = new SourceTree.File(tgz, "", size);
            upload(c, at, List.of(archived), f -> at.key(), meter, key -> { }, what);
        } catch (IOException e) {
            throw new ArtifactException(what + ": cannot archive " + source + ": " + e.getMessage(), e);
        } finally {
            StagedTarget.deleteTree(tgz);
        }
    }

    private void storeTree(S3Connections.Connection c, S3Location at, SourceTree tree, ProgressMeter meter, String what)
            throws ArtifactException {
        meter.start();
        List<String> uploaded = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            upload(c, at, tree.files(), f -> ObjectKeys.join(at.key(), f.relative()), meter, uploaded::add, what);
            transfer(tree.emptyDirectories(), dir -> {
                String key = ObjectKeys.join(at.key(), dir) + "/";
                return c.client().putObject(p -> p.bucket(at.bucket()).key(key), AsyncRequestBody.empty())
                        .thenRun(() -> {
                            meter.touch();
                            uploaded.add(key);
                        });
            }, meter, NOTHING, at, what);
        } catch (ArtifactException e) {
            deleteQuietly(c, at.bucket(), uploaded);
            throw e;
        }
    }

    /**
     * Uploads {@code files}, each to its key, telling {@code stored} of each key once its object is
     * there. Files below the multipart threshold go as one PutObject each through the blocking client
     * on the store's transfer threads; the transfer manager's path (multipart client, reactive body,
     * progress listeners, every request built and signed on one thread) cost more than the request
     * itself for a small file. Larger files go in parts through the transfer manager.
     */
    private void upload(S3Connections.Connection c, S3Location at, List<SourceTree.File> files,
            Function<SourceTree.File, String> keys, ProgressMeter meter, java.util.function.Consumer<String> stored,
            String what) throws ArtifactException {
        long threshold = connections.settings().multipartThreshold();
        List<SourceTree.File> small = files.stream().filter(f -> f.size() < threshold).toList();
        List<SourceTree.File> large = files.stream().filter(f -> f.size() >= threshold).toList();
        if (!small.isEmpty()) {
            transferBlocking(small, (f, open) -> {
                String key = keys.apply(f);
                putObject(c, at.bucket(), key, f, meter);
                stored.accept(key);
            }, meter, at, what);
        }
        transfer(large, f -> {
            String key = keys.apply(f);
            return upload(c, at.bucket(), key, f, meter).thenRun(() -> stored.accept(key));
        }, meter, NOTHING, at, what);
    }

    /** One PutObject on the calling thread; the body is opened link-free for each attempt (a retry reads it again). */
    private static void putObject(S3Connections.Connection c, String bucket, String key, SourceTree.File file,
            ProgressMeter meter) {
        FileProgress progress = new FileProgress(meter, file.size());
        c.blocking().putObject(p -> p.bucket(bucket).key(key).contentLength(file.size())
                .overrideConfiguration(o -> o.apiCallTimeout(c.settings().stallTimeout())),
                RequestBody.fromContentProvider(() -> {
                    try {
                        return new BoundedInput(file.open(), file.size());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, file.size(), "application/octet-stream"));
        progress.done();
    }

    private CompletableFuture<?> upload(S3Connections.Connection c, String bucket, String key, SourceTree.File file,
            ProgressMeter meter) {
        FileProgress progress = new FileProgress(meter, file.size());
        UploadRequest request = UploadRequest.builder()
                .requestBody(new LinkFreeBody(file, readers))
                .putObjectRequest(p -> p.bucket(bucket).key(key).contentLength(file.size()))
                .addTransferListener(progress)
                .build();
        return c.transfers().upload(request).completionFuture().thenRun(progress::done);
    }

    private static void deleteQuietly(S3Connections.Connection c, String bucket, List<String> keys) {
        List<String> copy;
        synchronized (keys) {
            copy = new ArrayList<>(keys);
        }
        for (int i = 0; i < copy.size(); i += 1000) {
            List<ObjectIdentifier> batch = copy.subList(i, Math.min(copy.size(), i + 1000)).stream()
                    .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
            try {
                c.client().deleteObjects(d -> d.bucket(bucket).delete(del -> del.objects(batch).quiet(true))).join();
            } catch (RuntimeException ignored) {
                // best effort: the upload already failed and says why
            }
        }
    }

    // ---------------------------------------------------------------- shared

    /** Async transfers need nothing beyond cancelling their futures (the SDK aborts multipart uploads). */
    private static final Runnable NOTHING = () -> {};

    /**
     * Starts one transfer per item, at most {@code maxConcurrency} at once, and waits for all. The
     * first failure stops new transfers; interruption cancels those in flight.
     */
    private <T> void transfer(List<T> items, Function<T, CompletableFuture<?>> start, ProgressMeter meter,
            Runnable abort, S3Location at, String what) throws ArtifactException {
        Throwable failure = new ParallelTransfers(connections.settings().maxConcurrency(),
                connections.settings().stallTimeout(), connections.settings().totalTimeout())
                .run(items, start, meter, abort);
        if (failure != null) {
            throw S3Errors.describe(failure, what, at, connections.settings().maxAttempts());
        }
    }

    @Override
    public void close() {
        connections.close();
        readers.shutdownNow();
    }
}
