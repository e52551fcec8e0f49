package io.onepanel.workflow.cli;

import io.fabric8.kubernetes.api.model.Quantity;
import io.onepanel.workflow.pod.NodePool;
import io.onepanel.workflow.pod.NodePoolCatalogue;
import io.onepanel.workflow.template.InstallValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A node pool catalogue file: a YAML list of pools, each with {@code name}, {@code labelValue},
 * optional {@code displayName} and {@code limits} (e.g. {@code nvidia.com/gpu: 1}); or a mapping
 * {@code {label: KEY, pools: [...]}} that also names the node label key (default
 * {@code node.kubernetes.io/instance-type}). Onepanel's own form of a pool, {@code {name, value,
 * resources: {limits}}} (its {@code nodePool.options}), is read too, and {@code options} may stand
 * for {@code pools}. The first pool is the default, as Onepanel's first option is.
 */
final class NodePoolFile {

    private NodePoolFile() {}

    static NodePoolCatalogue read(Path file) throws IOException {
        Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
        String label = InstallValues.INSTALLER_NODE_POOL_LABEL;
        Object list = doc;
        if (doc instanceof Map<?, ?> m) {
            if (m.get("label") != null) {
                label = m.get("label").toString().trim();
                try {
                    InstallValues.of(InstallValues.S3, label, null);
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ": label: " + e.getMessage());
                }
            }
            list = m.get("pools") != null ? m.get("pools") : m.get("options");
        }
        if (!(list instanceof List<?> items)) {
            throw new IOException(file + ": expected a YAML list of node pools (name, labelValue, limits), or a"
                    + " mapping {label: KEY, pools: [...]}");
        }
        List<NodePool> pools = new ArrayList<>();
        for (Object item : items) {
            pools.add(pool(file, item));
        }
        return NodePoolCatalogue.labelled(label, pools);
    }

    private static NodePool pool(Path file, Object item) throws IOException {
        if (!(item instanceof Map<?, ?> m) || m.get("labelValue") == null && m.get("value") == null) {
            throw new IOException(file + ": every node pool needs at least labelValue (or Onepanel's value): "
                    + item);
        }
        boolean onepanelForm = m.get("labelValue") == null;
        String labelValue = (onepanelForm ? m.get("value") : m.get("labelValue")).toString();
        try {
            InstallValues.of(InstallValues.S3, null, labelValue);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
        String name = onepanelForm || m.get("name") == null ? labelValue : m.get("name").toString();
        Object display = onepanelForm ? m.get("name") : m.get("displayName");
        Object limitsNode = m.get("limits");
        if (limitsNode == null && m.get("resources") instanceof Map<?, ?> resources) {
            limitsNode = resources.get("limits");
        }
        Map<String, Quantity> limits = new LinkedHashMap<>();
        if (limitsNode instanceof Map<?, ?> l) {
            l.forEach((k, v) -> limits.put(k.toString(), new Quantity(v.toString())));
        }
        return new NodePool(name, display == null ? null : display.toString(), labelValue, limits);
    }
}
