package io.onepanel.workflow.template.yaml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The workflow's {@code templateDefaults} merged into a template, as Argo merges them (a
 * Kubernetes strategic merge with the template as the patch): what the template says wins;
 * mappings merge field by field, all the way down; a list the template has replaces the default's,
 * except the Kubernetes lists merged by key ({@code env} and {@code volumes} by name,
 * {@code volumeMounts} by mount path), where a default item is kept unless the template has one with
 * the same key. The template's type is its own: a default {@code container:} is not given to a
 * {@code dag} template, nor to a {@code script}. Done on the YAML, so every value keeps the position
 * it was written at, in the template or in {@code templateDefaults}.
 */
final class TemplateDefaults {

    private static final Set<String> TYPE_KEYS = Set.of("dag", "steps", "container", "script", "suspend", "resource",
            "http", "containerSet", "data", "plugin");
    private static final Map<String, String> MERGE_KEYS = Map.of("env", "name", "volumes", "name",
            "volumeMounts", "mountPath");

    private TemplateDefaults() {}

    /** The template with the defaults merged in; the template itself when there are none. */
    static Node apply(Node defaults, Node template) {
        if (!(defaults instanceof MappingNode d) || !(template instanceof MappingNode t)) {
            return template;
        }
        Map<String, NodeTuple> own = byKey(t);
        List<NodeTuple> merged = new ArrayList<>(t.getValue().size() + d.getValue().size());
        for (NodeTuple tuple : t.getValue()) {
            merged.add(tuple);
        }
        for (NodeTuple fallback : d.getValue()) {
            String key = key(fallback);
            if (key == null || key.equals("name") || TYPE_KEYS.contains(key) && !own.containsKey(key)) {
                continue;
            }
            NodeTuple mine = own.get(key);
            if (mine == null) {
                merged.add(fallback);
            } else {
                merged.set(merged.indexOf(mine), new NodeTuple(mine.getKeyNode(),
                        merge(key, fallback.getValueNode(), mine.getValueNode())));
            }
        }
        return copy(t, merged);
    }

    /** {@code value} over {@code fallback}, for the field {@code key}. */
    private static Node merge(String key, Node fallback, Node value) {
        if (fallback instanceof MappingNode d && value instanceof MappingNode v) {
            Map<String, NodeTuple> own = byKey(v);
            List<NodeTuple> merged = new ArrayList<>(v.getValue());
            for (NodeTuple f : d.getValue()) {
                String k = key(f);
                NodeTuple mine = k == null ? null : own.get(k);
                if (k != null && mine == null) {
                    merged.add(f);
                } else if (mine != null) {
                    merged.set(merged.indexOf(mine), new NodeTuple(mine.getKeyNode(),
                            merge(k, f.getValueNode(), mine.getValueNode())));
                }
            }
            return copy(v, merged);
        }
        String mergeKey = MERGE_KEYS.get(key);
        if (mergeKey != null && fallback instanceof SequenceNode d && value instanceof SequenceNode v) {
            List<Node> items = new ArrayList<>(v.getValue());
            java.util.Set<String> present = new java.util.HashSet<>();
            for (Node item : v.getValue()) {
                if (item instanceof MappingNode m && byKey(m).get(mergeKey) != null
                        && byKey(m).get(mergeKey).getValueNode() instanceof ScalarNode s) {
                    present.add(s.getValue());
                }
            }
            for (Node item : d.getValue()) {
                NodeTuple k = item instanceof MappingNode m ? byKey(m).get(mergeKey) : null;
                if (k == null || !(k.getValueNode() instanceof ScalarNode s) || !present.contains(s.getValue())) {
                    items.add(item);
                }
            }
            return new SequenceNode(v.getTag(), true, items, v.getStartMark(), v.getEndMark(), v.getFlowStyle());
        }
        return value;
    }

    private static MappingNode copy(MappingNode like, List<NodeTuple> tuples) {
        return new MappingNode(like.getTag(), true, tuples, like.getStartMark(), like.getEndMark(),
                like.getFlowStyle());
    }

    private static Map<String, NodeTuple> byKey(MappingNode m) {
        Map<String, NodeTuple> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            String k = key(t);
            if (k != null) {
                out.putIfAbsent(k, t);
            }
        }
        return out;
    }

    private static String key(NodeTuple t) {
        return t.getKeyNode() instanceof ScalarNode s && !s.getValue().equals("<<") ? s.getValue() : null;
    }
}
