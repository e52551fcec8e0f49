package io.onepanel.workflow.testbed;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.dsl.MockServerExpectation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Kubernetes cluster in this JVM whose pods really run: the API server ({@link ApiServer}), the
 * scheduler, a claim provisioner and the kubelet of a few test nodes, all of them this machine.
 * See the package documentation for what it is and is not.
 *
 * <pre>{@code
 * try (TestCluster cluster = TestCluster.builder().node(TestNode.named("cpu-1")).build()) {
 *     KubernetesClient client = cluster.client("ml");
 *     ...
 * }
 * }</pre>
 *
 * {@link #close()} deletes every pod (their containers get SIGTERM and the grace period, as on a
 * node), kills whatever is left, removes every file it made, and throws when anything of a
 * container survived or the test bed itself failed.
 */
public final class TestCluster implements AutoCloseable {

    private final ApiServer api;
    private final KubernetesClient system;
    private final Scheduler scheduler;
    private final ClaimProvisioner claims;
    private final Kubelet kubelet;
    private final HostMountPoints mountPoints = new HostMountPoints();
    private final Path root;
    private final boolean ownsRoot;
    private final Duration maxGracePeriod;
    private final List<TestNode> nodes;
    private final List<KubernetesClient> clients = new CopyOnWriteArrayList<>();
    private boolean closed;

    private TestCluster(Builder b) throws IOException {
        HostTools tools = HostTools.find();
        this.ownsRoot = b.root == null;
        this.root = b.root != null ? Files.createDirectories(b.root) : Files.createTempDirectory("onepanel-testbed-");
        this.maxGracePeriod = b.maxGracePeriod;
        this.nodes = List.copyOf(b.nodes);
        Kubelet[] late = new Kubelet[1];
        this.api = new ApiServer((ns, pod, container) -> late[0].find(ns, pod, container));
        this.system = api.client("default");
        EventRecorder events = new EventRecorder(system);
        for (String ns : b.namespaces) {
            system.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata()
                    .withNewStatus().withPhase("Active").endStatus().build()).create();
        }
        for (TestNode n : nodes) {
            system.nodes().resource(n.toNode()).create();
        }
        Set<String> names = new LinkedHashSet<>();
        nodes.forEach(n -> names.add(n.name()));
        this.kubelet = new Kubelet(system, names, tools, mountPoints, b.images, events, b.maxGracePeriod,
                Files.createDirectories(root.resolve("pods")));
        late[0] = kubelet;
        this.claims = new ClaimProvisioner(system, events, Files.createDirectories(root.resolve("claims")));
        this.scheduler = new Scheduler(system, events);
        kubelet.start();
        claims.start();
        scheduler.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The API server's URL ({@code http://127.0.0.1:PORT/}). */
    public String url() {
        return api.url();
    }

    /** A new client of the API server, namespace {@code namespace}, without retries; closed with the cluster. */
    public KubernetesClient client(String namespace) {
        KubernetesClient c = api.client(namespace);
        clients.add(c);
        return c;
    }

    /** Fault injection: answers that win over the CRUD behaviour (fabric8's mock server DSL; not for pod logs). */
    public MockServerExpectation expect() {
        return api.expect();
    }

    public List<TestNode> nodes() {
        return nodes;
    }

    /** Where the test bed keeps pods' directories ({@code pods/}) and claims' ({@code claims/}). */
    public Path root() {
        return root;
    }

    /**
     * The events about one object, oldest first, as {@code "Reason: message"} ({@code kubectl
     * describe}'s Events section).
     */
    public List<String> events(String namespace, String objectName) {
        List<Event> list = new ArrayList<>(system.v1().events().inNamespace(namespace).list().getItems());
        list.removeIf(e -> !objectName.equals(e.getInvolvedObject().getName()));
        list.sort(Comparator.comparing((Event e) -> e.getMetadata().getCreationTimestamp())
                .thenComparing(e -> e.getMetadata().getResourceVersion(), Comparator.comparingLong(Long::parseLong)));
        return list.stream().map(e -> e.getReason() + ": " + e.getMessage()).toList();
    }

    /** The containers of a pod that still have a living process, as {@code namespace/pod/container}. */
    public List<String> livingContainers(String namespace, String pod) {
        String prefix = namespace + "/" + pod + "/";
        return kubelet.living().stream().map(Kubelet.Started::container).filter(c -> c.startsWith(prefix)).toList();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<String> problems = new ArrayList<>();
        try {
            system.pods().inAnyNamespace().delete();
        } catch (RuntimeException e) {
            problems.add("deleting the pods: " + e);
        }
        Instant until = Instant.now().plus(maxGracePeriod).plusSeconds(30);
        while (!kubelet.workers().isEmpty() && Instant.now().isBefore(until)) {
            sleep(50);
        }
        List<Kubelet.Started> living = kubelet.living();
        if (!living.isEmpty()) {
            problems.add("containers still running after their pods' deletion, killed: " + living);
            living.forEach(s -> s.process().kill());
            Instant killed = Instant.now().plusSeconds(10);
            while (!kubelet.living().isEmpty() && Instant.now().isBefore(killed)) {
                sleep(20);
            }
        }
        scheduler.close();
        claims.close();
        kubelet.close();
        clients.forEach(KubernetesClient::close);
        system.close();
        api.close();
        List<Kubelet.Started> survivors = kubelet.living();
        if (!survivors.isEmpty()) {
            problems.add("processes survived SIGKILL: " + survivors);
        }
        problems.addAll(kubelet.failures());
        problems.addAll(claims.failures());
        try {
            DirectoryTree.delete(ownsRoot ? root : root.resolve("pods"));
            DirectoryTree.delete(root.resolve("claims"));
        } catch (IOException e) {
            problems.add("cannot remove " + root + ": " + e);
        }
        List<String> kept = mountPoints.removeAll();
        if (!kept.isEmpty()) {
            problems.add("mount points made on this machine that could not be removed: " + kept);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the test bed did not end cleanly: " + String.join("; ", problems));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static final class Builder {
        private final List<TestNode> nodes = new ArrayList<>();
        private final Set<String> namespaces = new LinkedHashSet<>(List.of("default"));
        private ImageTable images = ImageTable.hostOnly();
        private Duration maxGracePeriod = Duration.ofSeconds(30);
        private Path root;

        private Builder() {}

        public Builder node(TestNode node) {
            nodes.add(Objects.requireNonNull(node));
            return this;
        }

        /** Namespace objects to create (the API server accepts objects in any namespace regardless). */
        public Builder namespace(String name) {
            namespaces.add(name);
            return this;
        }

        public Builder images(ImageTable table) {
            this.images = Objects.requireNonNull(table);
            return this;
        }

        /** The longest grace period a deletion waits before SIGKILL (a pod's own is used when shorter). */
        public Builder maxGracePeriod(Duration value) {
            this.maxGracePeriod = Objects.requireNonNull(value);
            return this;
        }

        /** Where pods' and claims' directories go (default: a new temporary directory, removed on close). */
        public Builder root(Path directory) {
            this.root = directory;
            return this;
        }

        /** Starts the cluster. */
        public TestCluster build() throws IOException {
            if (nodes.isEmpty()) {
                nodes.add(TestNode.named("node-1"));
            }
            return new TestCluster(this);
        }
    }
}
