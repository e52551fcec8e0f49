package io.onepanel.workflow.artifact.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.CloseableAsyncRequestBody;

/**
 * A file split for a multipart upload: parts in order, each naming its own range, handed out only
 * as the SDK asks for them, then the end.
 */
class LinkFreePartsTest {

    /** A part that only says which range it stands for. */
    private record Range(long from, long size) implements CloseableAsyncRequestBody {
        @Override
        public Optional<Long> contentLength() {
            return Optional.of(size);
        }

        @Override
        public void subscribe(Subscriber<? super ByteBuffer> s) {
            throw new UnsupportedOperationException("not read here");
        }

        @Override
        public void close() {}
    }

    private static final class Recorder implements Subscriber<CloseableAsyncRequestBody> {
        final List<Range> parts = new ArrayList<>();
        Subscription subscription;
        boolean completed;
        /** Asks for the next part from inside onNext, as the SDK's subscriber may. */
        boolean askFromOnNext;

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
        }

        @Override
        public void onNext(CloseableAsyncRequestBody part) {
            parts.add((Range) part);
            if (askFromOnNext) {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable t) {
            throw new AssertionError(t);
        }

        @Override
        public void onComplete() {
            completed = true;
        }
    }

    @Test
    void partsComeInOrderAsTheyAreAskedFor() {
        Recorder r = new Recorder();
        new LinkFreeParts(25, 10, Range::new).subscribe(r);

        r.subscription.request(1);
        assertThat(r.parts).containsExactly(new Range(0, 10));
        assertThat(r.completed).isFalse();

        r.subscription.request(5);
        assertThat(r.parts).containsExactly(new Range(0, 10), new Range(10, 10), new Range(20, 5));
        assertThat(r.completed).isTrue();
    }

    @Test
    void askingFromInsideOnNextDoesNotNestAndStillGetsEveryPart() {
        Recorder r = new Recorder();
        r.askFromOnNext = true;
        new LinkFreeParts(100_000L * 8, 8, Range::new).subscribe(r);

        r.subscription.request(1);

        assertThat(r.parts).hasSize(100_000);
        assertThat(r.parts.get(99_999)).isEqualTo(new Range(99_999L * 8, 8));
        assertThat(r.completed).isTrue();
    }

    @Test
    void aCancelledSplitHandsOutNothingMore() {
        Recorder r = new Recorder();
        new LinkFreeParts(30, 10, Range::new).subscribe(r);

        r.subscription.request(1);
        r.subscription.cancel();
        r.subscription.request(5);

        assertThat(r.parts).containsExactly(new Range(0, 10));
        assertThat(r.completed).isFalse();
    }
}
