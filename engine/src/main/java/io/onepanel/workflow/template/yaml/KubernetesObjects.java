package io.onepanel.workflow.template.yaml;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.onepanel.workflow.diagnostics.ClosestName;
import io.onepanel.workflow.diagnostics.Diagnostics;
import io.onepanel.workflow.template.PlainContainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the Kubernetes parts of a template (containers, volumes, tolerations, affinity, ...) as
 * fabric8 model objects, so every field Kubernetes has is kept. fabric8 silently keeps unknown
 * fields in {@code additionalProperties}; we walk the YAML beside the model type to warn about
 * each one at its position instead.
 */
public final class KubernetesObjects {

    /** Made on first use: a template whose containers are plain never needs it ({@link PlainContainer}). */
    private static final class Mapper {
        static final ObjectMapper MAPPER = Serialization.jsonMapper();
    }
    private static final Map<JavaType, Set<String>> PROPERTIES = new ConcurrentHashMap<>();

    private final String file;
    private final Diagnostics diagnostics;

    public KubernetesObjects(String file, Diagnostics diagnostics) {
        this.file = file;
        this.diagnostics = diagnostics;
    }

    public <T> Optional<T> read(Node node, Class<T> type, String where) {
        if (type == Container.class && node instanceof MappingNode) {
            Optional<Container> plain = PlainContainer.of(PlainValue.of(node));
            if (plain.isPresent()) {
                return plain.map(type::cast);
            }
        }
        return read(node, Mapper.MAPPER.constructType(type), where);
    }

    public <T> List<T> readList(Node node, Class<T> type, String where) {
        if (!(node instanceof SequenceNode seq)) {
            diagnostics.error(YamlSource.position(file, node), "wrong-type", where + " must be a list");
            return List.of();
        }
        List<T> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
            read(item, type, "each item of " + where).ifPresent(out::add);
        }
        return out;
    }

    private <T> Optional<T> read(Node node, JavaType type, String where) {
        boolean[] wrongShape = new boolean[1];
        checkFields(node, type, where, null, wrongShape);
        try {
            return Optional.of(Mapper.MAPPER.convertValue(PlainValue.of(node), type));
        } catch (IllegalArgumentException e) {
            Node at = node;
            String detail = e.getMessage();
            if (e.getCause() instanceof JsonMappingException jme) {
                at = locate(node, jme.getPath());
                detail = jme.getOriginalMessage();
            }
            if (!wrongShape[0]) { // else each value of the wrong shape is reported already, where it is
                diagnostics.error(YamlSource.position(file, at), "kubernetes-field", where + ": " + firstLine(detail));
            }
            return Optional.empty();
        }
    }

    /**
     * Warns about fields the Kubernetes type does not have, recursing into known ones, and reports
     * each value of the wrong shape (text where a list or a mapping belongs, and so on) as an error
     * at the value, setting {@code wrongShape[0]}.
     *
     * @param field the name of the field holding {@code node}, or null for the object itself
     */
    private void checkFields(Node node, JavaType type, String where, String field, boolean[] wrongShape) {
        if (type.isCollectionLikeType()) {
            if (node instanceof SequenceNode seq) {
                for (Node item : seq.getValue()) {
                    checkFields(item, type.getContentType(), where, field, wrongShape);
                }
            } else if (!YamlMap.isNull(node)) {
                wrongShape[0] = true;
                diagnostics.error(YamlSource.position(file, node), "wrong-type", where + ": '" + field
                        + "' must be a list (items starting with '- ', or [a, b]), not " + YamlMap.describe(node)
                        + listHint(field, node));
            }
            return;
        }
        if (type.isMapLikeType()) {
            if (node instanceof MappingNode m) {
                for (NodeTuple t : m.getValue()) {
                    checkFields(t.getValueNode(), type.getContentType(), where, field, wrongShape);
                }
            } else if (!YamlMap.isNull(node)) {
                wrongShape[0] = true;
                diagnostics.error(YamlSource.position(file, node), "wrong-type", where + ": '" + field
                        + "' must be a mapping (key: value), not " + YamlMap.describe(node));
            }
            return;
        }
        Class<?> raw = type.getRawClass();
        if (field != null && !(node instanceof MappingNode) && !YamlMap.isNull(node)
                && raw.getName().startsWith("io.fabric8.kubernetes.api.model") && raw != Quantity.class
                && raw != IntOrString.class && !raw.isEnum()) {
            wrongShape[0] = true;
            diagnostics.error(YamlSource.position(file, node), "wrong-type", where + ": '" + field
                    + "' must be a mapping (key: value), not " + YamlMap.describe(node));
            return;
        }
        if (!(node instanceof MappingNode mapping) || !raw.getName().startsWith("io.fabric8.kubernetes.api.model")
                || raw == Quantity.class || raw == IntOrString.class) {
            return;
        }
        BeanDescription description = Mapper.MAPPER.getDeserializationConfig().introspect(type);
        Map<String, BeanPropertyDefinition> props = description.findProperties().stream()
                .filter(p -> !p.getName().equals("additionalProperties"))
                .collect(Collectors.toMap(BeanPropertyDefinition::getName, p -> p, (a, b) -> a));
        Set<String> names = PROPERTIES.computeIfAbsent(type, t -> props.keySet());
        for (NodeTuple t : mapping.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode key)) {
                continue;
            }
            BeanPropertyDefinition p = props.get(key.getValue());
            if (p == null) {
                if (!key.getValue().equals("<<")) {
                    diagnostics.warning(YamlSource.position(file, key), "unknown-field",
                            "unknown field '" + key.getValue() + "' in " + where + " (Kubernetes "
                                    + raw.getSimpleName() + ")" + ClosestName.hint(key.getValue(), names));
                }
                continue;
            }
            checkFields(t.getValueNode(), p.getPrimaryType(), where, key.getValue(), wrongShape);
        }
    }

    /** How to write a command or its arguments as the list Kubernetes expects. */
    private static String listHint(String field, Node node) {
        if (!(node instanceof ScalarNode s) || !("command".equals(field) || "args".equals(field))) {
            return "";
        }
        String words = String.join(", ", s.getValue().trim().split("\\s+"));
        String quoted = s.getValue().replace("\\", "\\\\").replace("\"", "\\\"");
        return "; write each word as an item, [" + words + "]" + ("command".equals(field)
                ? ", or let a shell split it: [sh, -c, \"" + quoted + "\"]" : "");
    }

    /** The node a Jackson error path points at, so a type error is reported where it is. */
    private static Node locate(Node root, List<JsonMappingException.Reference> path) {
        Node current = root;
        for (JsonMappingException.Reference ref : path) {
            Node next = null;
            if (ref.getFieldName() != null && current instanceof MappingNode m) {
                for (NodeTuple t : m.getValue()) {
                    if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(ref.getFieldName())) {
                        next = t.getValueNode();
                    }
                }
            } else if (ref.getIndex() >= 0 && current instanceof SequenceNode s && ref.getIndex() < s.getValue().size()) {
                next = s.getValue().get(ref.getIndex());
            }
            if (next == null) {
                break;
            }
            current = next;
        }
        return current;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "invalid value";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        // Jackson names Java types; users know YAML, so keep only the part about their value.
        int source = line.indexOf(" at [Source");
        return source < 0 ? line : line.substring(0, source);
    }
}
