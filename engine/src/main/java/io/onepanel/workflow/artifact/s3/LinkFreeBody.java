package io.onepanel.workflow.artifact.s3;

import io.onepanel.workflow.artifact.files.BoundedInput;
import io.onepanel.workflow.artifact.files.SourceTree;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.AsyncRequestBody;

/**
 * A task's file as an upload body: opened without following a link ({@link SourceTree.File#open()})
 * each time the SDK subscribes (a retried request reads it again), and exactly its scanned size
 * long. The SDK's own file body opens the path, following any link a task swapped in.
 */
final class LinkFreeBody implements AsyncRequestBody {

    private final SourceTree.File file;
    private final ExecutorService readers;

    /** @param readers threads that read the file (one per upload in flight, blocked while the network waits) */
    LinkFreeBody(SourceTree.File file, ExecutorService readers) {
        this.file = file;
        this.readers = readers;
    }

    @Override
    public Optional<Long> contentLength() {
        return Optional.of(file.size());
    }

    @Override
    public void subscribe(Subscriber<? super ByteBuffer> subscriber) {
        InputStream in;
        try {
            in = new ClosedAtEnd(new BoundedInput(file.open(), file.size()));
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
        AsyncRequestBody.fromInputStream(c -> c.inputStream(in).contentLength(file.size()).executor(readers))
                .subscribe(subscriber);
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
