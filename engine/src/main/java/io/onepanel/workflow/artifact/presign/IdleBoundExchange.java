package io.onepanel.workflow.artifact.presign;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One HTTP exchange whose answer may not stall: the JDK client's request timeout ends only the wait
 * for an answer's headers, so a server that starts a body and then goes silent would hold the
 * transfer forever. Here the exchange fails once no byte of the body has come for {@code idle}.
 */
final class IdleBoundExchange {

    private static final long LOOK_EVERY_MILLIS = 200;

    private IdleBoundExchange() {}

    static <T> HttpResponse<T> send(HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> handler,
            Duration idle) throws IOException, InterruptedException {
        AtomicLong lastByte = new AtomicLong(); // 0 until the answer's headers came (the request timeout's part)
        CompletableFuture<HttpResponse<T>> exchange = http.sendAsync(request,
                info -> new Watched<>(handler.apply(info), lastByte));
        try {
            while (true) {
                try {
                    return exchange.get(LOOK_EVERY_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    long since = lastByte.get();
                    if (since != 0 && System.nanoTime() - since > idle.toNanos()) {
                        exchange.cancel(true);
                        throw new HttpTimeoutException("no data for " + idle.toSeconds() + " s");
                    }
                }
            }
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }

    /** Passes everything on, noting when each part of the body arrives. */
    private record Watched<T>(HttpResponse.BodySubscriber<T> body, AtomicLong lastByte)
            implements HttpResponse.BodySubscriber<T> {

        Watched {
            lastByte.set(System.nanoTime());
        }

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
            lastByte.set(System.nanoTime());
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
