package io.onepanel.workflow.template.yaml;

import io.onepanel.workflow.diagnostics.ClosestName;
import io.onepanel.workflow.diagnostics.Diagnostics;
import io.onepanel.workflow.diagnostics.SourcePosition;
import io.onepanel.workflow.template.Positions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML mapping read field by field. Remembers which keys were read, so the keys nobody read can
 * be reported as unknown with their position, and reports every value of the wrong shape at the
 * value's position. Merge keys ({@code <<: *anchor}) are applied as YAML defines them.
 */
public final class YamlMap {

    /** Suffix of a nested path that names the position of a key rather than of its value. */
    public static final String KEY = "@key";

    private final SourceText source;
    private final String file;
    private final Node node;
    private final Diagnostics diagnostics;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> read = new LinkedHashSet<>();

    private YamlMap(SourceText source, MappingNode node, Diagnostics diagnostics) {
        this.source = source;
        this.file = source.file();
        this.node = node;
        this.diagnostics = diagnostics;
        collect(node);
    }

    /** The mapping at {@code node}, or empty (with an error) when the node is something else. */
    public static Optional<YamlMap> of(SourceText source, Node node, Diagnostics diagnostics, String what) {
        if (node instanceof MappingNode m) {
            return Optional.of(new YamlMap(source, m, diagnostics));
        }
        diagnostics.error(YamlSource.position(source.file(), node), "wrong-type",
                what + " must be a mapping (key: value), not " + describe(node));
        return Optional.empty();
    }

    private void collect(MappingNode mapping) {
        List<NodeTuple> merges = new ArrayList<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (tuple.getKeyNode().getTag().equals(Tag.MERGE)) {
                merges.add(tuple);
                continue;
            }
            String key = tuple.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
            if (key == null) {
                diagnostics.error(YamlSource.position(file, tuple.getKeyNode()), "wrong-type", "keys must be text");
                continue;
            }
            // Explicit keys come before merged ones; a duplicate key keeps its first value (YamlSource reports it).
            entries.putIfAbsent(key, tuple);
        }
        for (NodeTuple merge : merges) {
            Node value = merge.getValueNode();
            if (value instanceof MappingNode m) {
                collect(m);
            } else if (value instanceof SequenceNode seq) {
                for (Node item : seq.getValue()) {
                    if (item instanceof MappingNode m) {
                        collect(m);
                    }
                }
            }
        }
    }

    public String file() {
        return file;
    }

    public SourceText source() {
        return source;
    }

    public Diagnostics diagnostics() {
        return diagnostics;
    }

    public SourcePosition position() {
        return YamlSource.position(file, node);
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    public Set<String> keys() {
        return entries.keySet();
    }

    /** The raw node of a field without marking it read; null when absent. */
    public Node peek(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? null : t.getValueNode();
    }

    /** The raw node of a field (marks it read). */
    public Optional<Node> node(String key) {
        NodeTuple t = entries.get(key);
        if (t == null) {
            return Optional.empty();
        }
        read.add(key);
        return Optional.of(t.getValueNode());
    }

    public SourcePosition valuePosition(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? position() : source.position(t.getValueNode());
    }

    public SourcePosition keyPosition(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? position() : YamlSource.position(file, t.getKeyNode());
    }

    /** Positions of this mapping and each of its fields' values. */
    public Positions positions() {
        Map<String, SourcePosition> fields = new HashMap<>();
        entries.forEach((k, t) -> fields.put(k, source.position(t.getValueNode())));
        return new Positions(position(), fields);
    }

    /** {@link #positions()}, plus the position of every text value below each of {@code keys}. */
    public Positions positionsWithNested(String... keys) {
        Positions p = positions();
        Map<String, SourcePosition> fields = new HashMap<>(p.fields());
        for (String key : keys) {
            if (entries.containsKey(key)) {
                fields.putAll(nestedPositions(key));
            }
        }
        return new Positions(p.start(), fields);
    }

    /**
     * The positions of every text value below {@code key}, by path ({@code container.args.0},
     * {@code container.env.1.value}), so a problem inside a Kubernetes object is reported at the
     * value itself rather than at the object's start.
     */
    public Map<String, SourcePosition> nestedPositions(String key) {
        Map<String, SourcePosition> out = new HashMap<>();
        NodeTuple t = entries.get(key);
        if (t != null) {
            nested(key, t.getValueNode(), out, 0);
        }
        return out;
    }

    private void nested(String path, Node n, Map<String, SourcePosition> out, int depth) {
        if (depth > 64) {
            return;
        }
        if (n instanceof ScalarNode) {
            out.put(path, source.position(n));
        } else if (n instanceof SequenceNode seq) {
            for (int i = 0; i < seq.getValue().size(); i++) {
                nested(path + "." + i, seq.getValue().get(i), out, depth + 1);
            }
        } else if (n instanceof MappingNode m) {
            for (NodeTuple e : m.getValue()) {
                if (e.getKeyNode() instanceof ScalarNode k && !e.getKeyNode().getTag().equals(Tag.MERGE)) {
                    out.put(path + "." + k.getValue() + KEY, source.position(k));
                    nested(path + "." + k.getValue(), e.getValueNode(), out, depth + 1);
                }
            }
        }
    }

    /** A text field; numbers and booleans are text as written. Null when absent or null. */
    public String text(String key) {
        Optional<Node> n = node(key);
        if (n.isEmpty() || isNull(n.get())) {
            return null;
        }
        if (n.get() instanceof ScalarNode s) {
            return s.getValue();
        }
        diagnostics.error(YamlSource.position(file, n.get()), "wrong-type",
                "'" + key + "' must be text, not " + describe(n.get()));
        return null;
    }

    public String text(String key, String fallback) {
        String v = text(key);
        return v == null ? fallback : v;
    }

    public Integer integer(String key) {
        String v = text(key);
        if (v == null) {
            return null;
        }
        try {
            return Integer.valueOf(v.trim());
        } catch (NumberFormatException e) {
            diagnostics.error(valuePosition(key), "wrong-type", "'" + key + "' must be a whole number, not '" + v + "'");
            return null;
        }
    }

    public Long longInteger(String key) {
        String v = text(key);
        if (v == null) {
            return null;
        }
        try {
            return Long.valueOf(v.trim());
        } catch (NumberFormatException e) {
            diagnostics.error(valuePosition(key), "wrong-type", "'" + key + "' must be a whole number, not '" + v + "'");
            return null;
        }
    }

    public Boolean bool(String key) {
        String v = text(key);
        if (v == null) {
            return null;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on" -> Boolean.TRUE;
            case "false", "no", "off" -> Boolean.FALSE;
            default -> {
                diagnostics.error(valuePosition(key), "wrong-type", "'" + key + "' must be true or false, not '" + v + "'");
                yield null;
            }
        };
    }

    public Optional<YamlMap> map(String key) {
        Optional<Node> n = node(key);
        if (n.isEmpty() || isNull(n.get())) {
            return Optional.empty();
        }
        return of(source, n.get(), diagnostics, "'" + key + "'");
    }

    /** A list field's items; a single mapping where a list is expected is an error. */
    public List<Node> list(String key) {
        Optional<Node> n = node(key);
        if (n.isEmpty() || isNull(n.get())) {
            return List.of();
        }
        if (n.get() instanceof SequenceNode seq) {
            return seq.getValue();
        }
        diagnostics.error(YamlSource.position(file, n.get()), "wrong-type",
                "'" + key + "' must be a list (items starting with '- '), not " + describe(n.get()));
        return List.of();
    }

    public List<YamlMap> mapList(String key) {
        List<YamlMap> out = new ArrayList<>();
        for (Node item : list(key)) {
            of(source, item, diagnostics, "each item of '" + key + "'").ifPresent(out::add);
        }
        return out;
    }

    public List<String> textList(String key) {
        List<String> out = new ArrayList<>();
        for (Node item : list(key)) {
            if (item instanceof ScalarNode s) {
                out.add(s.getValue());
            } else {
                diagnostics.error(YamlSource.position(file, item), "wrong-type",
                        "each item of '" + key + "' must be text, not " + describe(item));
            }
        }
        return out;
    }

    /** A mapping of text to text (labels, nodeSelector). */
    public Map<String, String> textMap(String key) {
        Map<String, String> out = new LinkedHashMap<>();
        map(key).ifPresent(m -> {
            for (String k : m.keys()) {
                String v = m.text(k);
                out.put(k, v == null ? "" : v);
            }
        });
        return out;
    }

    /**
     * A field this tool does not run and whose absence would change what the workflow does: an
     * error at its key saying why and what to do instead (marks it read).
     */
    public void refuse(String key, String why) {
        NodeTuple t = entries.get(key);
        if (t != null) {
            read.add(key);
            diagnostics.error(YamlSource.position(file, t.getKeyNode()), "unsupported-field", why);
        }
    }

    /**
     * Reports the keys nobody read. Keys in {@code ignored} are known to Argo or Onepanel but have
     * no effect here; they get a softer warning saying so.
     */
    public void reportUnread(String where, Set<String> known, Set<String> ignored) {
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            String key = e.getKey();
            if (read.contains(key) || GoTemplatePlaceholders.in(key)) {
                continue; // a placeholder is reported as such where it is
            }
            SourcePosition at = YamlSource.position(file, e.getValue().getKeyNode());
            if (ignored.contains(key)) {
                diagnostics.warning(at, "ignored-field", "'" + key + "' in " + where
                        + " is not supported by onepanel-workflow and has no effect");
            } else {
                Set<String> all = new LinkedHashSet<>(known);
                all.addAll(ignored);
                diagnostics.warning(at, "unknown-field", "unknown field '" + key + "' in " + where
                        + ClosestName.hint(key, all));
            }
        }
    }

    static boolean isNull(Node n) {
        return n instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    static String describe(Node n) {
        if (n instanceof MappingNode) {
            return "a mapping";
        }
        if (n instanceof SequenceNode) {
            return "a list";
        }
        return "the value '" + ((ScalarNode) n).getValue() + "'";
    }
}
