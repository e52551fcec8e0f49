package io.onepanel.workflow.testbed;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A node of the test bed: its name, labels, taints and what it offers (capacity, also its
 * allocatable: {@code cpu}, {@code memory}, {@code pods} and any extended resource such as
 * {@code nvidia.com/gpu}). Every node is this machine; its address is {@value #ADDRESS}.
 */
public record TestNode(String name, Map<String, String> labels, List<Taint> taints, Map<String, Quantity> capacity) {

    public static final String ADDRESS = "127.0.0.1";

    public TestNode {
        labels = Map.copyOf(labels);
        taints = List.copyOf(taints);
        capacity = Map.copyOf(capacity);
    }

    /** 4 CPUs, 16Gi of memory, 110 pods, the well-known labels a kubelet sets. */
    public static TestNode named(String name) {
        Map<String, String> labels = new TreeMap<>();
        labels.put("kubernetes.io/hostname", name);
        labels.put("kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", "amd64");
        Map<String, Quantity> capacity = new TreeMap<>();
        capacity.put("cpu", new Quantity("4"));
        capacity.put("memory", new Quantity("16Gi"));
        capacity.put("pods", new Quantity("110"));
        return new TestNode(name, labels, List.of(), capacity);
    }

    public TestNode withLabel(String key, String value) {
        Map<String, String> l = new TreeMap<>(labels);
        l.put(key, value);
        return new TestNode(name, l, taints, capacity);
    }

    /** A taint; effect NoSchedule, PreferNoSchedule or NoExecute; value may be null. */
    public TestNode withTaint(String key, String value, String effect) {
        List<Taint> t = new ArrayList<>(taints);
        t.add(new TaintBuilder().withKey(key).withValue(value).withEffect(effect).build());
        return new TestNode(name, labels, t, capacity);
    }

    public TestNode withCapacity(String resource, String quantity) {
        Map<String, Quantity> c = new LinkedHashMap<>(capacity);
        c.put(resource, new Quantity(quantity));
        return new TestNode(name, labels, taints, c);
    }

    Node toNode() {
        return new NodeBuilder()
                .withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewSpec().withTaints(taints).endSpec()
                .withNewStatus()
                .withCapacity(capacity)
                .withAllocatable(capacity)
                .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
                .withMessage("kubelet is posting ready status (onepanel-workflow test bed)").endCondition()
                .addNewAddress().withType("InternalIP").withAddress(ADDRESS).endAddress()
                .addNewAddress().withType("Hostname").withAddress(name).endAddress()
                .withNewNodeInfo().withKubeletVersion("v1.31.0-testbed").withOperatingSystem("linux")
                .withArchitecture("amd64").withContainerRuntimeVersion("testbed://processes").endNodeInfo()
                .endStatus()
                .build();
    }
}
