package io.onepanel.workflow.template.yaml;

import io.onepanel.workflow.diagnostics.Diagnostics;
import io.onepanel.workflow.diagnostics.SourcePosition;
import io.onepanel.workflow.template.InstallPlaceholder;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Go-template placeholders that are still in a file after {@link PlaceholderFill}: Argo's variables
 * never start with a dot, so each is told apart exactly. One whose setting is not configured may
 * stand as a workflow parameter's value (a run can give the parameter a value instead, see
 * {@code ParameterCheck}); anywhere else, and for a placeholder nothing fills, it is an error at its
 * first character naming what would fill it.
 */
public final class GoTemplatePlaceholders {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{-?\\s*\\.([A-Za-z_][A-Za-z0-9_]*)?[^}]*}}");

    private GoTemplatePlaceholders() {}

    static boolean in(String text) {
        return text.contains("{{") && PLACEHOLDER.matcher(text).find();
    }

    /**
     * @param parameterValues where workflow parameters' values start: a placeholder whose setting is
     *     unset may stand there
     */
    public static void report(SourceText source, Node document, Set<SourcePosition> parameterValues,
            Diagnostics diagnostics) {
        Deque<Node> todo = new ArrayDeque<>();
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        todo.push(document);
        while (!todo.isEmpty()) {
            Node node = todo.pop();
            if (!seen.add(node)) {
                continue;
            }
            if (node instanceof ScalarNode scalar) {
                check(source, scalar, parameterValues, diagnostics);
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

    private static void check(SourceText source, ScalarNode scalar, Set<SourcePosition> parameterValues,
            Diagnostics diagnostics) {
        String text = scalar.getValue();
        if (!text.contains("{{")) {
            return;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        SourcePosition start = null;
        while (m.find()) {
            start = start == null ? source.position(scalar) : start;
            Optional<InstallPlaceholder> known = m.group(1) == null ? Optional.empty()
                    : InstallPlaceholder.named(m.group(1));
            boolean exact = known.isPresent() && m.group().equals(known.get().text());
            if (exact && parameterValues.contains(start)) {
                continue; // a run gives the parameter a value, or says what is missing
            }
            diagnostics.error(start.plusColumns(m.start()), "go-template-placeholder", "'" + m.group() + "' "
                    + (exact ? why(known.get())
                            : known.isPresent() ? misspelt(known.get()) : unknown()));
        }
    }

    private static String why(InstallPlaceholder p) {
        return "is filled with " + p.setting() + " when Onepanel installs this file, and that is not configured;"
                + " configure it, or write the value in place of the placeholder";
    }

    private static String misspelt(InstallPlaceholder p) {
        return "is not filled: Onepanel replaces only the exact text " + p.text() + " (with " + p.setting()
                + "); write it that way, without spaces or dashes";
    }

    private static String unknown() {
        StringBuilder known = new StringBuilder();
        for (InstallPlaceholder p : InstallPlaceholder.values()) {
            known.append(known.length() == 0 ? "" : ", ").append(p.text());
        }
        return "is a Go-template placeholder that nothing fills: when Onepanel installs a template file it fills"
                + " only " + known + "; write the value in place of the placeholder";
    }
}
