package io.onepanel.workflow.testbed;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.dsl.MockServerExpectation;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.internal.MockServerExpectationImpl;
import io.fabric8.mockwebserver.vertx.ServerWebSocketHandler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The test bed's API server on 127.0.0.1 (plain HTTP): fabric8's mock API server in CRUD mode
 * ({@link KubernetesMixedDispatcher}: objects, watches, status, finalizers, and any expectation a
 * test adds) answers every request, except pod logs, which {@link PodLogEndpoint} streams from
 * the kubelet's files. fabric8's own {@code MockWebServer} answers each request with a whole body on
 * its event loop and so cannot follow a log; this server hands requests to the same dispatcher
 * the way fabric8's {@code HttpServerRequestHandler} does, and keeps logs for itself. Lists of
 * events by {@code involvedObject} field selectors are filtered here ({@link EventFieldSelector}).
 */
final class ApiServer implements AutoCloseable {

    /** Pod subresources the test bed does not serve (the CRUD dispatcher would answer them with nonsense). */
    private static final Pattern UNSUPPORTED = Pattern.compile(
            "/api/v1/namespaces/[^/]+/pods/[^/]+/(exec|attach|portforward|proxy|binding|eviction|ephemeralcontainers"
                    + "|resize)(/.*)?");
    private static final List<String> WEBSOCKET_PROTOCOLS =
            List.of("v1.channel.k8s.io", "v2.channel.k8s.io", "v3.channel.k8s.io", "v4.channel.k8s.io");

    private final Vertx vertx = Vertx.vertx();
    private final Map<ServerRequest, Queue<ServerResponse>> expectations = new ConcurrentHashMap<>();
    private final KubernetesMixedDispatcher dispatcher = new KubernetesMixedDispatcher(expectations);
    private final PodLogEndpoint logs;
    private final HttpServer server;

    ApiServer(ContainerLogs containerLogs) {
        this.logs = new PodLogEndpoint(containerLogs);
        this.server = vertx.createHttpServer(new HttpServerOptions().setHost(TestNode.ADDRESS).setPort(0)
                .setWebSocketSubProtocols(WEBSOCKET_PROTOCOLS).setHandle100ContinueAutomatically(true));
        server.requestHandler(this::handle);
        await(server.listen().toCompletionStage().toCompletableFuture());
    }

    String url() {
        return "http://" + TestNode.ADDRESS + ":" + server.actualPort() + "/";
    }

    /** A client of this server: namespace {@code namespace}, no retries (a test sees each failure). */
    KubernetesClient client(String namespace) {
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(url())
                .withNamespace(namespace)
                .withRequestRetryBackoffLimit(0)
                .withHttp2Disable(true)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** Answers added here win over the CRUD behaviour (not for pod logs); see fabric8's mock server DSL. */
    MockServerExpectation expect() {
        return new MockServerExpectationImpl(expectations, new Context());
    }

    private void handle(HttpServerRequest request) {
        if (logs.serve(request)) {
            return;
        }
        if (UNSUPPORTED.matcher(request.path()).matches()) {
            PodLogEndpoint.refuse(request.response(), 404, "NotFound", "the test bed's API server does not serve "
                    + request.path().replaceAll(".*/pods/[^/]+/", "pods/"));
            return;
        }
        if (request.method() == io.vertx.core.http.HttpMethod.GET && request.path().equals("/version")) {
            request.response().putHeader("Content-Type", "application/json").end("{\"major\":\"1\",\"minor\":\"31\","
                    + "\"gitVersion\":\"v1.31.0-onepanel-testbed\",\"platform\":\"linux/amd64\"}");
            return;
        }
        if (!hasBody(request)) {
            dispatch(request, null); // a watch's upgrade request must not be read to its end
            return;
        }
        request.body().onFailure(e -> PodLogEndpoint.refuse(request.response(), 500, "InternalError", e.getMessage()))
                .onSuccess(body -> dispatch(request, body));
    }

    private static boolean hasBody(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        if (length != null && !length.isBlank()) {
            return Long.parseLong(length.trim()) > 0;
        }
        return request.getHeader("Content-Type") != null || request.getHeader("Transfer-Encoding") != null;
    }

    private void dispatch(HttpServerRequest request, Buffer body) {
        EventFieldSelector events = EventFieldSelector.of(request.method().name(), request.path(), request.uri());
        RecordedRequest recorded = new RecordedRequest(request.version().alpnName().toUpperCase(Locale.ROOT),
                HttpMethod.fromVertx(request.method()), events != null ? events.uriWithoutSelector : request.uri(),
                Headers.builder().addAll(request.headers()).build(),
                new io.fabric8.mockwebserver.http.Buffer(body == null ? null : body.getBytes()));
        MockResponse answer = dispatcher.dispatch(recorded);
        if (events != null && answer.code() == 200 && answer.getBody() != null) {
            answer.setBody(events.filter(answer.getBody().getBytes()));
        }
        if (answer.getWebSocketListener() != null) {
            request.toWebSocket().onSuccess(new ServerWebSocketHandler(recorded, answer))
                    .onFailure(e -> PodLogEndpoint.refuse(request.response(), 500, "InternalError", e.getMessage()));
            return;
        }
        HttpServerResponse response = request.response().setStatusCode(answer.code());
        answer.getHeaders().toMultimap().forEach((k, v) -> response.headers().add(k, v));
        if (answer.getBody() != null && answer.getBody().size() > 0) {
            response.end(Buffer.buffer(answer.getBody().getBytes()));
        } else {
            response.end();
        }
    }

    @Override
    public void close() {
        logs.close();
        dispatcher.shutdown();
        await(server.close().toCompletionStage().toCompletableFuture());
        await(vertx.close().toCompletionStage().toCompletableFuture());
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the test bed's API server did not start or stop", e);
        }
    }
}
