package io.onepanel.workflow.template.yaml;

import io.onepanel.workflow.diagnostics.Diagnostics;
import io.onepanel.workflow.diagnostics.SourcePosition;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads YAML text into SnakeYAML nodes (which keep line and column), within limits that keep a
 * hostile file from exhausting the machine: size, aliases, nesting depth.
 */
public final class YamlSource {

    /** Larger than any real template (a 100,000-task DAG is about 10 MB) yet far from a memory risk. */
    public static final int MAX_CHARS = 32 * 1024 * 1024;

    static final int MAX_NESTING = 200;
    static final int MAX_ALIASES = 100;

    private YamlSource() {}

    /** Every document of the text, or none with the reason in {@code diagnostics}. */
    public static List<Node> compose(String file, String text, Diagnostics diagnostics) {
        if (text.length() > MAX_CHARS) {
            diagnostics.error(new SourcePosition(file, 1, 1), "file-too-large",
                    "the file has " + text.length() + " characters; templates are limited to " + MAX_CHARS
                            + " (32 MiB)");
            return List.of();
        }
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit(MAX_CHARS);
        options.setProcessComments(false);
        List<Node> documents = new ArrayList<>();
        try {
            for (Node document : new Yaml(options).composeAll(new StringReader(text))) {
                if (document != null) {
                    documents.add(document);
                }
            }
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            diagnostics.error(position(file, mark), "yaml-syntax", describe(e));
            return List.of();
        } catch (YAMLException e) {
            diagnostics.error(new SourcePosition(file, 1, 1), "yaml-syntax", "invalid YAML: " + firstLine(e.getMessage()));
            return List.of();
        } catch (StackOverflowError e) {
            diagnostics.error(new SourcePosition(file, 1, 1), "yaml-too-deep",
                    "the YAML is nested too deeply (more than " + MAX_NESTING + " levels)");
            return List.of();
        }
        return documents;
    }

    public static SourcePosition position(String file, Mark mark) {
        return mark == null ? new SourcePosition(file, 1, 1)
                : new SourcePosition(file, mark.getLine() + 1, mark.getColumn() + 1);
    }

    public static SourcePosition position(String file, Node node) {
        return position(file, node.getStartMark());
    }

    private static String describe(MarkedYAMLException e) {
        String problem = e.getProblem() != null ? e.getProblem() : firstLine(e.getMessage());
        String context = e.getContext();
        if (problem.contains("Number of aliases")) {
            return "too many YAML aliases (more than " + MAX_ALIASES + "); alias expansion is limited to stop"
                    + " 'billion laughs' documents";
        }
        if (problem.contains("Nesting Depth")) {
            return "the YAML is nested too deeply (more than " + MAX_NESTING + " levels)";
        }
        if (problem.contains("found duplicate key")) {
            return "duplicate key: " + problem.substring(problem.indexOf("found duplicate key") + 20).trim();
        }
        return "invalid YAML: " + (context != null ? context + ", " : "") + problem;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
