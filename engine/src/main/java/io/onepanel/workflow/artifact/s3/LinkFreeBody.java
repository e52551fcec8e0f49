package io.onepanel.workflow.artifact.s3;

import io.onepanel.workflow.artifact.files.BoundedInput;
import io.onepanel.workflow.artifact.files.SourceTree;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncRequestBodySplitConfiguration;
import software.amazon.awssdk.core.async.CloseableAsyncRequestBody;
import software.amazon.awssdk.core.async.SdkPublisher;

/**
 * A task's file (or {@code length} bytes of it from {@code offset}) as an upload body: opened
 * without following a link ({@link SourceTree.File#open()}, {@link SourceTree.File#channel()})
 * each time the SDK subscribes (a retried request reads it again), and exactly that long. The
 * SDK's own file body opens the path, following any link a task swapped in.
 *
 * <p>Split for a multipart upload, each part is such a body of its own, read by position when it
 * is sent ({@link LinkFreeParts}), so parts are read in parallel; the SDK's split of any other body
 * reads it once in sequence, which held a 128 MiB upload to a third of the presigned path's speed.
 */
final class LinkFreeBody implements CloseableAsyncRequestBody {

    private final SourceTree.File file;
    private final long offset;
    private final long length;
    private final ExecutorService readers;

    /** @param readers threads that read the file (one per upload in flight, blocked while the network waits) */
    LinkFreeBody(SourceTree.File file, ExecutorService readers) {
        this(file, 0, file.size(), readers);
    }

    LinkFreeBody(SourceTree.File file, long offset, long length, ExecutorService readers) {
        this.file = file;
        this.offset = offset;
        this.length = length;
        this.readers = readers;
    }

    @Override
    public Optional<Long> contentLength() {
        return Optional.of(length);
    }

    @Override
    public void subscribe(Subscriber<? super ByteBuffer> subscriber) {
        InputStream in;
        try {
            in = new ClosedAtEnd(new BoundedInput(open(), length));
        } catch (IOException e) {
            subscriber.onSubscribe(new Subscription() {
                @Override
                public void request(long n) {}

                @Override
                public void cancel() {}
            });
            subscriber.onError(e);
            return;
        }
        AsyncRequestBody.fromInputStream(c -> c.inputStream(in).contentLength(length).executor(readers))
                .subscribe(subscriber);
    }

    private InputStream open() throws IOException {
        if (offset == 0) {
            return file.open();
        }
        SeekableByteChannel channel = file.channel();
        try {
            channel.position(offset);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return Channels.newInputStream(channel);
    }

    @Override
    public SdkPublisher<CloseableAsyncRequestBody> splitCloseable(AsyncRequestBodySplitConfiguration configuration) {
        Long chunk = configuration.chunkSizeInBytes();
        long partSize = chunk != null ? chunk : AsyncRequestBodySplitConfiguration.defaultConfiguration()
                .chunkSizeInBytes();
        return new LinkFreeParts(length, partSize, (from, size) -> new LinkFreeBody(file, offset + from, size,
                readers));
    }

    @Override
    public void close() {
        // nothing is open until a request reads the body, and each read closes what it opened
    }

    /** Closes the file as soon as its last byte is read; the SDK leaves closing to the caller. */
    private static final class ClosedAtEnd extends java.io.FilterInputStream {
        ClosedAtEnd(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n < 0) {
                in.close();
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b < 0) {
                in.close();
            }
            return b;
        }
    }
}
