package io.onepanel.workflow.testbed;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether a pod fits a node, decided by kube-scheduler's filters in their order (NodeUnschedulable,
 * TaintToleration, NodeAffinity, NodeResourcesFit; the first that fails speaks for the node), with
 * their reasons in the scheduler's words, and the scheduler's message when no node fits.
 */
final class NodeFit {

    static final String AFFINITY = "node(s) didn't match Pod's node affinity/selector";

    private NodeFit() {}

    /**
     * Why the pod does not fit the node; empty when it fits.
     *
     * @param used what the node's pods that are bound and not ended already request
     * @param podCount how many such pods
     */
    static List<String> reasons(PodSpec pod, Node node, Map<String, BigDecimal> used, int podCount) {
        if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())
                && !tolerated(new io.fabric8.kubernetes.api.model.TaintBuilder().withKey("node.kubernetes.io/unschedulable")
                        .withEffect("NoSchedule").build(), pod)) {
            return List.of("node(s) were unschedulable");
        }
        List<Taint> taints = node.getSpec() == null ? List.of() : node.getSpec().getTaints();
        for (Taint t : taints) {
            if (!"PreferNoSchedule".equals(t.getEffect()) && !tolerated(t, pod)) {
                return List.of("node(s) had untolerated taint {" + t.getKey() + ": "
                        + (t.getValue() == null ? "" : t.getValue()) + "}");
            }
        }
        if (!matchesSelectorAndAffinity(pod, node)) {
            return List.of(AFFINITY);
        }
        Map<String, Quantity> allocatable = node.getStatus() == null ? Map.of() : node.getStatus().getAllocatable();
        List<String> insufficient = new ArrayList<>();
        Quantity pods = allocatable.get("pods");
        if (pods != null && BigDecimal.valueOf(podCount + 1L).compareTo(ResourceRequests.amount(pods)) > 0) {
            insufficient.add("Too many pods");
        }
        for (Map.Entry<String, BigDecimal> asked : ResourceRequests.ofPod(pod).entrySet()) {
            if (asked.getValue().signum() <= 0) {
                continue;
            }
            Quantity offered = allocatable.get(asked.getKey());
            BigDecimal free = (offered == null ? BigDecimal.ZERO : ResourceRequests.amount(offered))
                    .subtract(used.getOrDefault(asked.getKey(), BigDecimal.ZERO));
            if (free.compareTo(asked.getValue()) < 0) {
                insufficient.add("Insufficient " + asked.getKey());
            }
        }
        return insufficient;
    }

    /** kube-scheduler's FitError text: "0/3 nodes are available: 1 Insufficient nvidia.com/gpu, 2 node(s) ...". */
    static String message(int nodes, Map<String, Integer> reasonCounts) {
        if (nodes == 0) {
            return "no nodes available to schedule pods";
        }
        List<String> parts = new ArrayList<>();
        reasonCounts.forEach((reason, count) -> parts.add(count + " " + reason));
        parts.sort(null);
        return "0/" + nodes + " nodes are available: " + String.join(", ", parts) + ".";
    }

    static boolean tolerated(Taint taint, PodSpec pod) {
        for (Toleration t : pod.getTolerations()) {
            boolean effect = t.getEffect() == null || t.getEffect().isEmpty() || t.getEffect().equals(taint.getEffect());
            boolean key = t.getKey() == null || t.getKey().isEmpty() || t.getKey().equals(taint.getKey());
            boolean value = "Exists".equals(t.getOperator())
                    || java.util.Objects.equals(emptyIfNull(t.getValue()), emptyIfNull(taint.getValue()));
            if (effect && key && value) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesSelectorAndAffinity(PodSpec pod, Node node) {
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        for (Map.Entry<String, String> e : pod.getNodeSelector().entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        var affinity = pod.getAffinity() == null ? null : pod.getAffinity().getNodeAffinity();
        var required = affinity == null ? null : affinity.getRequiredDuringSchedulingIgnoredDuringExecution();
        if (required == null || required.getNodeSelectorTerms().isEmpty()) {
            return true;
        }
        for (NodeSelectorTerm term : required.getNodeSelectorTerms()) {
            boolean all = !term.getMatchExpressions().isEmpty() || !term.getMatchFields().isEmpty();
            for (NodeSelectorRequirement r : term.getMatchExpressions()) {
                all &= matches(r, labels.get(r.getKey()), labels.containsKey(r.getKey()));
            }
            for (NodeSelectorRequirement r : term.getMatchFields()) {
                boolean nameField = "metadata.name".equals(r.getKey());
                all &= nameField && matches(r, node.getMetadata().getName(), true);
            }
            if (all) {
                return true; // terms are ORed, requirements within a term ANDed
            }
        }
        return false;
    }

    private static boolean matches(NodeSelectorRequirement r, String value, boolean present) {
        List<String> values = r.getValues();
        switch (r.getOperator()) {
            case "In":
                return present && values.contains(value);
            case "NotIn":
                return !present || !values.contains(value);
            case "Exists":
                return present;
            case "DoesNotExist":
                return !present;
            case "Gt":
            case "Lt":
                try {
                    long have = Long.parseLong(value);
                    long bound = Long.parseLong(values.get(0));
                    return r.getOperator().equals("Gt") ? have > bound : have < bound;
                } catch (RuntimeException e) {
                    return false;
                }
            default:
                return false;
        }
    }

    private static String emptyIfNull(String s) {
        return s == null ? "" : s;
    }
}
