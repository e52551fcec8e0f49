package io.onepanel.workflow.testbed;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The test bed's scheduler: binds every pod without a node (and for the default scheduler) to the
 * first test node, by name, that fits it ({@link NodeFit}), counting what the pods bound there and
 * not ended already request, and those it bound itself but has not seen bound yet. A pod that fits
 * no node stays Pending with PodScheduled=False, reason Unschedulable and the scheduler's message,
 * and a FailedScheduling event; every change of a pod or a node tries the waiting pods again. No
 * scoring, no preemption, no volume topology.
 */
final class Scheduler implements AutoCloseable {

    private static final String COMPONENT = "default-scheduler";

    private final KubernetesClient client;
    private final EventRecorder events;
    private final ReconcileLoop loop;
    /** Pods bound here that the informer may not show bound yet: uid -> node. */
    private final Map<String, String> assumed = new ConcurrentHashMap<>();
    /** The unschedulable message last written per pod uid. */
    private final Map<String, String> written = new HashMap<>();
    private volatile SharedIndexInformer<Node> nodes;
    private volatile SharedIndexInformer<Pod> pods;

    Scheduler(KubernetesClient client, EventRecorder events) {
        this.client = client;
        this.events = events;
        this.loop = new ReconcileLoop("testbed-scheduler", this::scheduleAll);
    }

    void start() {
        nodes = client.nodes().inform(loop.onChange(), 0);
        pods = client.pods().inAnyNamespace().inform(loop.onChange(), 0);
        loop.wake();
    }

    private void scheduleAll() {
        if (nodes == null || pods == null) {
            return; // start() is still starting the informers; it wakes the loop when both run
        }
        List<Node> nodeList = new ArrayList<>(nodes.getStore().list());
        nodeList.sort(Comparator.comparing(n -> n.getMetadata().getName()));
        List<Pod> all = pods.getStore().list();
        Map<String, Map<String, BigDecimal>> used = new HashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        List<Pod> waiting = new ArrayList<>();
        for (Pod p : all) {
            String uid = p.getMetadata().getUid();
            String node = p.getSpec().getNodeName() != null ? p.getSpec().getNodeName() : assumed.get(uid);
            if (p.getSpec().getNodeName() != null) {
                assumed.remove(uid);
            }
            if (ended(p)) {
                continue;
            }
            if (node != null) {
                ResourceRequests.ofPod(p.getSpec()).forEach((k, v) ->
                        used.computeIfAbsent(node, n -> new HashMap<>()).merge(k, v, BigDecimal::add));
                counts.merge(node, 1, Integer::sum);
            } else if (p.getMetadata().getDeletionTimestamp() == null && ours(p)) {
                waiting.add(p);
            }
        }
        waiting.sort(Comparator.comparing((Pod p) -> p.getMetadata().getCreationTimestamp())
                .thenComparing(p -> p.getMetadata().getName()));
        for (Pod p : waiting) {
            Map<String, Integer> reasons = new TreeMap<>();
            Node chosen = null;
            for (Node n : nodeList) {
                String name = n.getMetadata().getName();
                List<String> why = NodeFit.reasons(p.getSpec(), n, used.getOrDefault(name, Map.of()),
                        counts.getOrDefault(name, 0));
                if (why.isEmpty()) {
                    chosen = n;
                    break;
                }
                why.forEach(r -> reasons.merge(r, 1, Integer::sum));
            }
            if (chosen != null) {
                String node = chosen.getMetadata().getName();
                if (bind(p, node)) {
                    assumed.put(p.getMetadata().getUid(), node);
                    ResourceRequests.ofPod(p.getSpec()).forEach((k, v) ->
                            used.computeIfAbsent(node, n -> new HashMap<>()).merge(k, v, BigDecimal::add));
                    counts.merge(node, 1, Integer::sum);
                }
            } else {
                unschedulable(p, NodeFit.message(nodeList.size(), reasons));
            }
        }
        written.keySet().retainAll(all.stream().map(p -> p.getMetadata().getUid()).toList());
    }

    private static boolean ended(Pod p) {
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    private static boolean ours(Pod p) {
        String name = p.getSpec().getSchedulerName();
        return name == null || name.isEmpty() || COMPONENT.equals(name);
    }

    private boolean bind(Pod pod, String node) {
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).edit(p -> {
                if (p.getSpec().getNodeName() == null && p.getMetadata().getUid().equals(pod.getMetadata().getUid())) {
                    p.getSpec().setNodeName(node);
                    p.setStatus(withScheduled(p.getStatus(), "True", null, null));
                }
                return p;
            });
        } catch (KubernetesClientException e) {
            return false; // deleted meanwhile
        }
        events.record(pod, COMPONENT, EventRecorder.NORMAL, "Scheduled", "Successfully assigned "
                + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + " to " + node);
        return true;
    }

    private void unschedulable(Pod pod, String message) {
        String uid = pod.getMetadata().getUid();
        if (message.equals(written.get(uid))) {
            return;
        }
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .editStatus(p -> {
                        p.setStatus(withScheduled(p.getStatus(), "False", "Unschedulable", message));
                        return p;
                    });
        } catch (KubernetesClientException e) {
            return; // deleted meanwhile
        }
        written.put(uid, message);
        events.record(pod, COMPONENT, EventRecorder.WARNING, "FailedScheduling", message);
    }

    private static PodStatus withScheduled(PodStatus status, String value, String reason, String message) {
        PodStatus s = status == null ? new PodStatus() : status;
        List<PodCondition> conditions = new ArrayList<>(s.getConditions());
        conditions.removeIf(c -> "PodScheduled".equals(c.getType()));
        conditions.add(new PodConditionBuilder().withType("PodScheduled").withStatus(value).withReason(reason)
                .withMessage(message).withLastTransitionTime(KubeletPodStatus.now()).build());
        s.setConditions(conditions);
        if (s.getPhase() == null) {
            s.setPhase("Pending");
        }
        return s;
    }

    @Override
    public void close() {
        if (pods != null) {
            pods.stop();
        }
        if (nodes != null) {
            nodes.stop();
        }
        loop.close();
    }
}
