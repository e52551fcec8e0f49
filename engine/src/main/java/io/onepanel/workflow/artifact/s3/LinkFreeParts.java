package io.onepanel.workflow.artifact.s3;

import java.util.function.BiFunction;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.CloseableAsyncRequestBody;
import software.amazon.awssdk.core.async.SdkPublisher;

/**
 * The parts of a body of {@code length} bytes, {@code partSize} each (the last one the rest), in
 * order and as many as the subscriber asks for: each part is made by {@code part(offset, size)}
 * and reads its bytes only when it is sent, so nothing is buffered here.
 */
final class LinkFreeParts implements SdkPublisher<CloseableAsyncRequestBody> {

    private final long length;
    private final long partSize;
    private final BiFunction<Long, Long, CloseableAsyncRequestBody> part;

    LinkFreeParts(long length, long partSize, BiFunction<Long, Long, CloseableAsyncRequestBody> part) {
        if (partSize < 1) {
            throw new IllegalArgumentException("partSize must be positive: " + partSize);
        }
        this.length = length;
        this.partSize = partSize;
        this.part = part;
    }

    @Override
    public void subscribe(Subscriber<? super CloseableAsyncRequestBody> subscriber) {
        subscriber.onSubscribe(new Parts(subscriber));
    }

    /** Hands out parts on demand; one thread at a time does, however requests nest. */
    private final class Parts implements Subscription {
        private final Subscriber<? super CloseableAsyncRequestBody> subscriber;
        private long next;
        private long demand;
        private boolean emitting;
        private boolean done;

        Parts(Subscriber<? super CloseableAsyncRequestBody> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            synchronized (this) {
                if (done) {
                    return;
                }
                if (n <= 0) {
                    done = true;
                } else {
                    demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                    if (emitting) {
                        return; // the thread handing out parts sees the new demand
                    }
                    emitting = true;
                }
            }
            if (n <= 0) {
                subscriber.onError(new IllegalArgumentException("a subscriber must request at least one part"));
                return;
            }
            drain();
        }

        private void drain() {
            while (true) {
                CloseableAsyncRequestBody body;
                synchronized (this) {
                    if (done || demand == 0 && next < length) {
                        emitting = false;
                        return;
                    }
                    if (next >= length) {
                        done = true;
                        emitting = false;
                        body = null;
                    } else {
                        long size = Math.min(partSize, length - next);
                        body = part.apply(next, size);
                        next += size;
                        demand--;
                    }
                }
                if (body == null) {
                    subscriber.onComplete();
                    return;
                }
                subscriber.onNext(body);
            }
        }

        @Override
        public synchronized void cancel() {
            done = true;
        }
    }
}
