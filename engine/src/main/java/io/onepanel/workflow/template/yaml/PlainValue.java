package io.onepanel.workflow.template.yaml;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** A YAML node as plain Java values (String, Long, Double, Boolean, null, List, Map), typed by its YAML tag. */
public final class PlainValue {

    private PlainValue() {}

    public static Object of(Node node) {
        if (node instanceof ScalarNode s) {
            return scalar(s);
        }
        if (node instanceof SequenceNode seq) {
            List<Object> out = new ArrayList<>(seq.getValue().size());
            for (Node item : seq.getValue()) {
                out.add(of(item));
            }
            return out;
        }
        MappingNode mapping = (MappingNode) node;
        Map<String, Object> out = new LinkedHashMap<>();
        for (NodeTuple t : mapping.getValue()) {
            if (t.getKeyNode().getTag().equals(Tag.MERGE)) {
                Object merged = of(t.getValueNode());
                List<?> sources = merged instanceof List<?> l ? l : List.of(merged);
                for (Object src : sources) {
                    if (src instanceof Map<?, ?> m) {
                        m.forEach((k, v) -> out.putIfAbsent(String.valueOf(k), v));
                    }
                }
                continue;
            }
            Object key = of(t.getKeyNode());
            out.put(String.valueOf(key), of(t.getValueNode()));
        }
        return out;
    }

    private static Object scalar(ScalarNode s) {
        String v = s.getValue();
        Tag tag = s.getTag();
        try {
            if (tag.equals(Tag.NULL)) {
                return null;
            }
            if (tag.equals(Tag.BOOL)) {
                String b = v.toLowerCase(java.util.Locale.ROOT);
                return b.equals("true") || b.equals("yes") || b.equals("on");
            }
            if (tag.equals(Tag.INT)) {
                String digits = v.replace("_", "");
                BigInteger big = digits.startsWith("0x") ? new BigInteger(digits.substring(2), 16) : new BigInteger(digits);
                if (big.bitLength() < 32) {
                    return big.intValue(); // Kubernetes' IntOrString takes an int, not a long
                }
                return big.bitLength() < 64 ? (Object) big.longValue() : big;
            }
            if (tag.equals(Tag.FLOAT)) {
                return Double.valueOf(v.replace("_", ""));
            }
        } catch (NumberFormatException e) {
            return v;
        }
        return v;
    }
}
