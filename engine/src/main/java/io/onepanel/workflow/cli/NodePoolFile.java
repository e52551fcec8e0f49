package io.onepanel.workflow.cli;

import io.onepanel.workflow.pod.NodePool;
import io.onepanel.workflow.pod.NodePoolCatalogue;
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
 * optional {@code displayName} and {@code limits} (e.g. {@code nvidia.com/gpu: 1}).
 */
final class NodePoolFile {

    private NodePoolFile() {}

    static NodePoolCatalogue read(Path file) throws IOException {
        Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
        if (!(doc instanceof List<?> list)) {
            throw new IOException(file + ": expected a YAML list of node pools (name, labelValue, limits)");
        }
        List<NodePool> pools = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> m) || m.get("labelValue") == null) {
                throw new IOException(file + ": every node pool needs at least labelValue: " + item);
            }
            String labelValue = m.get("labelValue").toString();
            String name = m.get("name") != null ? m.get("name").toString() : labelValue;
            Map<String, io.fabric8.kubernetes.api.model.Quantity> limits = new LinkedHashMap<>();
            if (m.get("limits") instanceof Map<?, ?> l) {
                l.forEach((k, v) -> limits.put(k.toString(), new io.fabric8.kubernetes.api.model.Quantity(v.toString())));
            }
            Object display = m.get("displayName");
            pools.add(new NodePool(name, display == null ? null : display.toString(), labelValue, limits));
        }
        return NodePoolCatalogue.of(pools);
    }
}
