package io.onepanel.workflow.pod;

import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One Onepanel node pool: nodes carrying {@code labelValue} under the catalogue's label key. A task
 * that selects the pool gets {@code limits} on its main container (Onepanel attaches GPUs this
 * way: its templates never write GPU limits themselves).
 *
 * @param name what users pick (Onepanel's {@code sys-node-pool} option value is the label value;
 *     either is accepted)
 * @param displayName for people, e.g. "GPU: 1xK80"
 * @param limits e.g. {@code nvidia.com/gpu: 1}; empty for a CPU pool
 */
public record NodePool(String name, String displayName, String labelValue, Map<String, Quantity> limits) {

    public NodePool {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(labelValue, "labelValue");
        limits = java.util.Collections.unmodifiableMap(new TreeMap<>(limits == null ? Map.of() : limits));
    }

    public static NodePool of(String labelValue, String displayName, Map<String, String> limits) {
        Map<String, Quantity> q = new TreeMap<>();
        limits.forEach((k, v) -> q.put(k, new Quantity(v)));
        return new NodePool(labelValue, displayName, labelValue, q);
    }

    boolean matches(String value) {
        return labelValue.equals(value) || name.equals(value);
    }

    String describe() {
        return displayName == null || displayName.isEmpty() ? labelValue : labelValue + " (" + displayName + ")";
    }
}
