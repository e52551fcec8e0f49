package io.onepanel.workflow.testbed;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The kubelet of every test node: it watches all pods and gives each pod bound to one of its nodes
 * a {@link PodWorker}; it tells a worker when its pod is being deleted or is gone; it answers the
 * API server's log requests from the workers' files.
 */
final class Kubelet implements ContainerLogs, AutoCloseable {

    /** Holds a pod's deletion until its containers have stopped (a real API server has graceful deletion built in). */
    static final String FINALIZER = "testbed.onepanel.io/kubelet";

    private final KubernetesClient client;
    private final Set<String> nodes;
    private final HostTools tools;
    private final HostMountPoints mountPoints;
    private final PodVolumes volumes;
    private final ContainerEnvironment environment;
    private final ImageTable images;
    private final EventRecorder events;
    private final Duration maxGracePeriod;
    private final Path podsDir;
    /** Every pod taken, by uid; kept once done, so that no later event of the pod starts it again. */
    private final Map<String, PodWorker> workers = new ConcurrentHashMap<>();
    private final List<Started> started = new CopyOnWriteArrayList<>();

    /** A container this kubelet started: {@code namespace/pod/container} and its processes. */
    record Started(String container, ContainerProcess process) {
        @Override
        public String toString() {
            return container + " " + process;
        }
    }
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private SharedIndexInformer<Pod> informer;

    Kubelet(KubernetesClient client, Set<String> nodes, HostTools tools, HostMountPoints mountPoints, ImageTable images,
            EventRecorder events, Duration maxGracePeriod, Path podsDir) {
        this.client = client;
        this.nodes = Set.copyOf(nodes);
        this.tools = tools;
        this.mountPoints = mountPoints;
        this.volumes = new PodVolumes(client, mountPoints);
        this.environment = new ContainerEnvironment(client);
        this.images = images;
        this.events = events;
        this.maxGracePeriod = maxGracePeriod;
        this.podsDir = podsDir;
    }

    void start() {
        informer = client.pods().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                seen(pod);
            }

            @Override
            public void onUpdate(Pod before, Pod pod) {
                seen(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                PodWorker w = workers.get(pod.getMetadata().getUid());
                if (w != null) {
                    w.gone();
                }
            }
        }, 0);
    }

    private void seen(Pod pod) {
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (node == null || !nodes.contains(node)) {
            return;
        }
        String uid = pod.getMetadata().getUid();
        PodWorker w = workers.get(uid);
        if (w == null && pod.getMetadata().getDeletionTimestamp() == null) {
            w = new PodWorker(this, pod, podsDir.resolve(pod.getMetadata().getNamespace() + "_"
                    + pod.getMetadata().getName() + "_" + uid));
            if (workers.putIfAbsent(uid, w) == null) {
                Thread t = new Thread(w, "testbed-kubelet-" + pod.getMetadata().getNamespace() + "/"
                        + pod.getMetadata().getName());
                t.setDaemon(true);
                t.start();
            }
        }
        if (w != null && pod.getMetadata().getDeletionTimestamp() != null) {
            w.deletionRequested();
        }
    }

    // ---- for the pod workers ----

    KubernetesClient client() {
        return client;
    }

    HostTools tools() {
        return tools;
    }

    HostMountPoints mountPoints() {
        return mountPoints;
    }

    PodVolumes volumes() {
        return volumes;
    }

    ContainerEnvironment environment() {
        return environment;
    }

    ImageTable images() {
        return images;
    }

    void event(Pod pod, String type, String reason, String message) {
        events.record(pod, "kubelet", type, reason, message);
    }

    void started(Pod pod, String container, ContainerProcess process) {
        started.add(new Started(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + "/" + container,
                process));
    }

    void failure(Pod pod, Exception e) {
        failures.add("pod " + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + ": " + e);
    }

    /** The pod's terminationGracePeriodSeconds (default 30 s), at most the test bed's limit. */
    Duration gracePeriod(Pod pod) {
        Long seconds = pod.getSpec().getTerminationGracePeriodSeconds();
        Duration asked = Duration.ofSeconds(seconds == null ? 30 : seconds);
        return asked.compareTo(maxGracePeriod) < 0 ? asked : maxGracePeriod;
    }

    /** Takes the pod unless it was deleted (or replaced by another of the same name) meanwhile. */
    boolean addFinalizer(Pod pod) {
        return editIfSame(pod, true);
    }

    void removeFinalizer(Pod pod) {
        editIfSame(pod, false);
    }

    private boolean editIfSame(Pod pod, boolean add) {
        var resource = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName());
        try {
            Pod current = resource.get();
            if (current == null || !current.getMetadata().getUid().equals(pod.getMetadata().getUid())
                    || (add && current.getMetadata().getDeletionTimestamp() != null)) {
                return false;
            }
            resource.edit(p -> {
                List<String> finalizers = new ArrayList<>(p.getMetadata().getFinalizers());
                finalizers.remove(FINALIZER);
                if (add) {
                    finalizers.add(FINALIZER);
                }
                p.getMetadata().setFinalizers(finalizers);
                return p;
            });
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** The worker is done: its containers have stopped and its pod may go; its files go with it. */
    void forget(PodWorker worker) {
        try {
            DirectoryTree.delete(worker.dir);
        } catch (IOException e) {
            failures.add("cannot remove " + worker.dir + ": " + e);
        }
    }

    // ---- for the test cluster ----

    /** The pods still running here. */
    List<PodWorker> workers() {
        return workers.values().stream().filter(w -> !w.finished()).toList();
    }

    /** Every container started here that still has a living process. */
    List<Started> living() {
        return started.stream().filter(s -> s.process().anythingAlive()).toList();
    }

    List<String> failures() {
        return failures;
    }

    // ---- for the API server ----

    @Override
    public Lookup find(String namespace, String podName, String container) {
        PodWorker worker = workers.values().stream()
                .filter(w -> w.pod().getMetadata().getNamespace().equals(namespace)
                        && w.pod().getMetadata().getName().equals(podName))
                .min(Comparator.comparing(PodWorker::finished)).orElse(null);
        Pod pod = worker != null ? worker.pod() : informer.getStore().getByKey(namespace + "/" + podName);
        if (pod == null) {
            return new Refused(404, "NotFound", "pods \"" + podName + "\" not found");
        }
        List<String> names = new ArrayList<>(pod.getSpec().getInitContainers().stream().map(Container::getName).toList());
        names.addAll(pod.getSpec().getContainers().stream().map(Container::getName).toList());
        if (container == null) {
            if (pod.getSpec().getContainers().size() != 1) {
                return new Refused(400, "BadRequest", "a container name must be specified for pod " + podName
                        + ", choose one of: " + pod.getSpec().getContainers().stream().map(Container::getName).toList());
            }
            container = pod.getSpec().getContainers().get(0).getName();
        }
        if (!names.contains(container)) {
            return new Refused(400, "BadRequest", "container " + container + " is not valid for pod " + podName);
        }
        if (worker == null || pod.getSpec().getNodeName() == null) {
            return new Refused(400, "BadRequest", pod.getSpec().getNodeName() == null
                    ? "pod " + podName + " does not have a host assigned"
                    : "container \"" + container + "\" in pod \"" + podName + "\" is waiting to start: ContainerCreating");
        }
        String waiting = worker.status.waitingReason(container);
        Path file = worker.containerDir(container).resolve(ContainerLaunch.LOG_FILE);
        if (waiting != null || !Files.exists(file)) {
            return new Refused(400, "BadRequest", "container \"" + container + "\" in pod \"" + podName
                    + "\" is waiting to start: " + (waiting != null ? waiting : "ContainerCreating"));
        }
        String name = container;
        return new Found(file, () -> worker.finished() || worker.status.isTerminated(name));
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.stop();
        }
    }
}
