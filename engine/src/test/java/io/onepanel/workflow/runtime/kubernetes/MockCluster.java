package io.onepanel.workflow.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * fabric8's mock API server in CRUD mode on 127.0.0.1 (expectations set with {@link #server()}
 * take precedence), and a client for the test to play kubelet and scheduler with: it writes pod
 * statuses that the runtime under test then sees through its informer.
 */
public final class MockCluster implements AutoCloseable {

    public static final String NS = "ml";

    private final KubernetesMockServer server;
    private final KubernetesClient client;

    public MockCluster() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        try {
            server.init(InetAddress.getByName("127.0.0.1"), 0);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        client = client(0);
    }

    /** A client of this server; {@code retries} as fabric8's requestRetryBackoffLimit. */
    public KubernetesClient client(int retries) {
        Config base = server.createClient().getConfiguration();
        Config config = new ConfigBuilder(base).withNamespace(NS).withRequestRetryBackoffLimit(retries).build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    public KubernetesMockServer server() {
        return server;
    }

    /** The test's own client (the runtime gets its own). */
    public KubernetesClient kube() {
        return client;
    }

    public Pod awaitPod(String name) {
        return client.pods().inNamespace(NS).withName(name).waitUntilCondition(p -> p != null, 30, TimeUnit.SECONDS);
    }

    /**
     * Polls until the pod is gone. Not {@code waitUntilCondition}: that lists, then watches, and the
     * mock's watch does not replay a deletion that happened in between, so it may wait in vain.
     */
    public void awaitGone(String name) throws InterruptedException {
        for (int i = 0; i < 3000 && exists(name); i++) {
            Thread.sleep(10);
        }
        if (exists(name)) {
            throw new AssertionError("pod " + name + " is still there after 30 s");
        }
    }

    public boolean exists(String name) {
        return client.pods().inNamespace(NS).withName(name).get() != null;
    }

    public void setStatus(String name, PodStatus status) {
        client.pods().inNamespace(NS).withName(name).editStatus(p -> new PodBuilder(p).withStatus(status).build());
    }

    // ---- statuses as kubelet and the scheduler write them ----

    public static ContainerStatus running(String container) {
        return new ContainerStatusBuilder().withName(container).withReady(true).withImage("img").withNewState()
                .withNewRunning().withStartedAt("2026-01-01T00:00:01Z").endRunning().endState().build();
    }

    public static ContainerStatus terminated(String container, int exitCode, String reason, String message) {
        return new ContainerStatusBuilder().withName(container).withImage("img").withNewState().withNewTerminated()
                .withExitCode(exitCode).withReason(reason).withMessage(message)
                .withFinishedAt("2026-01-01T00:00:09Z").endTerminated().endState().build();
    }

    public static ContainerStatus waiting(String container, String image, String reason, String message) {
        return new ContainerStatusBuilder().withName(container).withImage(image).withNewState().withNewWaiting()
                .withReason(reason).withMessage(message).endWaiting().endState().build();
    }

    public static PodStatus phase(String phase, List<ContainerStatus> containers) {
        return new PodStatusBuilder().withPhase(phase).withContainerStatuses(containers).build();
    }

    public static PodStatus unschedulable(String message) {
        return new PodStatusBuilder().withPhase("Pending").addNewCondition().withType("PodScheduled")
                .withStatus("False").withReason("Unschedulable").withMessage(message).endCondition().build();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
