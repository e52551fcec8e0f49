package io.onepanel.workflow.template.yaml;

import io.onepanel.workflow.diagnostics.Diagnostics;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Go-template placeholders such as {@code {{.ArtifactRepositoryType}}}: Onepanel replaces them
 * in its own template files when it installs a template, before the YAML is read as a workflow
 * (with the namespace's artifact repository type, default node pool, node pool label). Argo's
 * variables never start with a dot, so a placeholder is told apart exactly. Left in, one would
 * be a field nobody knows or a value used literally; each is an error at its first character.
 */
public final class GoTemplatePlaceholders {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{-?\\s*\\.([A-Za-z_][A-Za-z0-9_]*)?[^}]*}}");

    /** What Onepanel puts in place of the placeholders its files use. */
    private static final Map<String, String> MEANINGS = Map.of(
            "ArtifactRepositoryType", "the type of the namespace's artifact repository; write s3 here",
            "DefaultNodePoolOption", "the name of the namespace's default node pool; write a node pool name here",
            "NodePoolLabel", "the node label that selects a node pool; write it here, such as"
                    + " node.kubernetes.io/instance-type");

    private GoTemplatePlaceholders() {}

    static boolean in(String text) {
        return text.contains("{{") && PLACEHOLDER.matcher(text).find();
    }

    public static void report(SourceText source, Node document, Diagnostics diagnostics) {
        Deque<Node> todo = new ArrayDeque<>();
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        todo.push(document);
        while (!todo.isEmpty()) {
            Node node = todo.pop();
            if (!seen.add(node)) {
                continue;
            }
            if (node instanceof ScalarNode scalar) {
                check(source, scalar, diagnostics);
            } else if (node instanceof SequenceNode seq) {
                seq.getValue().forEach(todo::push);
            } else if (node instanceof MappingNode mapping) {
                for (NodeTuple t : mapping.getValue()) {
                    todo.push(t.getValueNode());
                    todo.push(t.getKeyNode());
                }
            }
        }
    }

    private static void check(SourceText source, ScalarNode scalar, Diagnostics diagnostics) {
        String text = scalar.getValue();
        if (!text.contains("{{")) {
            return;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            String meaning = m.group(1) == null ? null : MEANINGS.get(m.group(1));
            diagnostics.error(source.position(scalar).plusColumns(m.start()), "go-template-placeholder", "'"
                    + m.group() + "' is a Go-template placeholder, which Onepanel fills in when it installs a"
                    + " template file, before reading it as a workflow; this tool reads the template as"
                    + " installed: replace the placeholder with its value"
                    + (meaning == null ? "" : " (Onepanel puts " + meaning + ")"));
        }
    }
}
