package io.onepanel.workflow.artifact.presign;

import io.onepanel.workflow.artifact.source.FetchClock;
import io.onepanel.workflow.artifact.source.FetchLimits;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One HTTP exchange whose answer may not stall: the JDK client's request timeout ends only the wait
 * for an answer's headers, so a server that starts a body and then goes silent would hold the
 * transfer forever. Here the exchange is cancelled once no byte of the body has come for
 * {@code idle}, watched by the same {@link FetchClock} that bounds {@code http:} inputs.
 */
final class IdleBoundExchange {

    /** No bound of the whole of our own: a presigned transfer may take as long as its bytes keep coming. */
    private static final Duration NO_TOTAL = Duration.ofNanos(Long.MAX_VALUE / 2);

    private IdleBoundExchange() {}

    static <T> HttpResponse<T> send(HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> handler,
            Duration idle) throws IOException, InterruptedException {
        FetchLimits limits = new FetchLimits(Stager.CONNECT_TIMEOUT, idle, NO_TOTAL);
        AtomicReference<CompletableFuture<HttpResponse<T>>> exchange = new AtomicReference<>();
        // The clock starts with the answer's headers; until then the request timeout is the bound.
        AtomicReference<FetchClock> clock = new AtomicReference<>();
        exchange.set(http.sendAsync(request, info -> {
            FetchClock watch = new FetchClock(limits, System.nanoTime(), () -> exchange.get().cancel(true));
            clock.set(watch);
            return new Watched<>(handler.apply(info), watch);
        }));
        try {
            return exchange.get().get();
        } catch (CancellationException e) {
            FetchClock watch = clock.get();
            if (watch != null && watch.expired() != null) {
                throw new HttpTimeoutException(watch.expired());
            }
            throw e;
        } catch (InterruptedException e) {
            exchange.get().cancel(true);
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } finally {
            FetchClock watch = clock.get();
            if (watch != null) {
                watch.close();
            }
        }
    }

    /** Passes everything on, telling the clock as each part of the body arrives. */
    private record Watched<T>(HttpResponse.BodySubscriber<T> body, FetchClock clock)
            implements HttpResponse.BodySubscriber<T> {

        @Override
        public CompletionStage<T> getBody() {
            return body.getBody();
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            body.onSubscribe(subscription);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            clock.touch();
            body.onNext(item);
        }

        @Override
        public void onError(Throwable throwable) {
            body.onError(throwable);
        }

        @Override
        public void onComplete() {
            body.onComplete();
        }
    }
}
