package io.jenkins.plugins.onepanel.run;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Computer;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.onepanel.workflow.runtime.kubernetes.PodStart;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.util.Timer;

/**
 * Watches an attempt's agent pod while it starts, because the Kubernetes plugin would not end it: a
 * pod that can never be scheduled (a GPU or node pool request nothing meets), whose volume cannot be
 * mounted or whose image cannot be pulled is provisioned again after each {@code slaveConnectTimeout},
 * forever, and the build only says it waits. This says why it waits, once per new reason, and after
 * {@code bound} ends the attempt as an Error with that reason (the engine decides about retries).
 *
 * <p>It looks every few seconds at the pods the Kubernetes plugin labels with the attempt's own
 * Jenkins label (unique per attempt) and at their events, until the pod has started or it is stopped.
 */
final class PodStartWatch {

    private static final Logger LOGGER = Logger.getLogger(PodStartWatch.class.getName());
    private static final long EVERY_MILLIS = 3_000;
    private static final long QUIET_NANOS = Duration.ofSeconds(30).toNanos();
    /** The label the Kubernetes plugin gives a pod of a template with a label ({@code PodTemplate#getLabelsMap}). */
    static final String JENKINS_LABEL = "jenkins/label";

    /** The watches going on, by label: how a refusal of the pod before it exists reaches its attempt. */
    private static final Map<String, PodStartWatch> WATCHING = new ConcurrentHashMap<>();

    private final KubernetesClient client;
    private final String namespace;
    private final String label;
    private final Duration bound;
    private final Consumer<String> status;
    private final Consumer<String> failed;
    private final long since = System.nanoTime();
    private volatile boolean stopped;
    private String lastReason;

    /**
     * @param status hears why the pod has not started, each time the reason changes
     * @param failed hears, once, why the attempt ends when the pod has not started within {@code bound}
     */
    PodStartWatch(
            @NonNull KubernetesClient client,
            @NonNull String namespace,
            @NonNull String label,
            @NonNull Duration bound,
            @NonNull Consumer<String> status,
            @NonNull Consumer<String> failed) {
        this.client = client;
        this.namespace = namespace;
        this.label = label;
        this.bound = bound;
        this.status = status;
        this.failed = failed;
    }

    void start() {
        WATCHING.put(label, this);
        schedule(0);
    }

    /** The agent connected, or the attempt ended: nothing more to watch. */
    void stop() {
        stopped = true;
        WATCHING.remove(label, this);
    }

    /**
     * The pod of the attempt with this label may not be created at all ({@link FinalPodLimits}): the
     * attempt ends now, with the reason, instead of when the bound runs out.
     *
     * @return whether an attempt was watching
     */
    static boolean refused(@NonNull String label, @NonNull String reason) {
        PodStartWatch watch = WATCHING.remove(label);
        if (watch == null) {
            return false;
        }
        watch.stopped = true;
        Computer.threadPoolForRemoting.submit(() -> watch.failed.accept(reason));
        return true;
    }

    private void schedule(long delayMillis) {
        if (!stopped) {
            // A look is one or two API calls: on the pool Jenkins keeps for blocking calls, never a timer thread.
            Timer.get()
                    .schedule(
                            () -> Computer.threadPoolForRemoting.submit(this::look),
                            delayMillis,
                            TimeUnit.MILLISECONDS);
        }
    }

    private void look() {
        if (stopped) {
            return;
        }
        String why;
        try {
            Optional<Pod> pod = client.pods().inNamespace(namespace).withLabel(JENKINS_LABEL, label).list().getItems()
                    .stream()
                    .max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()));
            if (pod.isPresent() && PodStart.started(pod.get())) {
                return; // the agent connects next; the Kubernetes plugin watches that
            }
            // No pod yet is the normal first seconds (the build queue, the cloud's provisioning); said
            // only once it lasts.
            why = pod.isPresent()
                    ? PodStart.whyNotStarted(pod.get(), events(pod.get())).orElse(null)
                    : System.nanoTime() - since > QUIET_NANOS ? "no pod has been created yet" : null;
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "could not look at the pod of " + label, e);
            why = "the pod cannot be looked at: " + e.getMessage();
        }
        if (why != null && !why.equals(lastReason)) {
            lastReason = why;
            status.accept("the task's pod has not started: " + why);
        }
        if (System.nanoTime() - since > bound.toNanos()) {
            stop();
            failed.accept("the task's pod did not start within " + bound.toMinutes() + " min: "
                    + (why != null ? why : "it was still being created"));
            return;
        }
        schedule(EVERY_MILLIS);
    }

    private List<Event> events(Pod pod) {
        String name = pod.getMetadata().getName();
        return client.v1().events().inNamespace(namespace).withField("involvedObject.name", name).list().getItems();
    }
}
