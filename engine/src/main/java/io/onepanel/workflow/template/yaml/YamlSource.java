package io.onepanel.workflow.template.yaml;

import io.onepanel.workflow.diagnostics.Diagnostics;
import io.onepanel.workflow.diagnostics.SourcePosition;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;
import org.yaml.snakeyaml.scanner.Constant;

/**
 * Reads YAML text into SnakeYAML nodes (which keep line and column), within limits that keep a
 * hostile file from exhausting the machine: size, aliases, nesting depth.
 */
public final class YamlSource {

    /** Larger than any real template (a 100,000-task DAG is about 10 MB) yet far from a memory risk. */
    public static final int MAX_CHARS = 32 * 1024 * 1024;

    static final int MAX_NESTING = 200;
    static final int MAX_ALIASES = 100;
    /** Values that aliases may add to a document beyond those written out. */
    static final long MAX_EXPANSION = 1_000_000;

    private YamlSource() {}

    /** Every document of the text, or none with the reason in {@code diagnostics}. */
    public static List<Node> compose(String file, String text, Diagnostics diagnostics) {
        return compose(file, text, ColumnMap.IDENTITY, diagnostics);
    }

    /**
     * Every document of a text whose placeholders were filled in; positions name the file as written.
     */
    static List<Node> compose(String file, String text, ColumnMap columns, Diagnostics diagnostics) {
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
        if (unprintable(file, text, columns, diagnostics)) {
            return List.of();
        }
        List<Node> documents = new ArrayList<>();
        LastEvent parser = new LastEvent(new ParserImpl(new WholeTextReader("'reader'", text, columns), options));
        try {
            Composer composer = new Composer(parser, new Resolver(), options);
            while (composer.checkNode()) {
                Node document = composer.getNode();
                if (document != null) {
                    documents.add(document);
                }
            }
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            Node workspace = documents.isEmpty() && mark != null ? onepanelWorkspaceBefore(text, columns, mark, options)
                    : null;
            if (workspace != null) {
                return List.of(workspace); // not ours to run: its one error says so, not the YAML inside it
            }
            diagnostics.error(position(file, mark), "yaml-syntax", describe(e));
            return List.of();
        } catch (YAMLException e) {
            String message = firstLine(e.getMessage());
            // The composer's own errors carry no position: the event it was composing has one.
            diagnostics.error(position(file, parser.lastMark()), "yaml-syntax", message.contains("Nesting Depth")
                    ? tooDeep() : message.contains("Number of aliases") ? tooManyAliases() : "invalid YAML: " + message);
            return List.of();
        } catch (StackOverflowError e) {
            diagnostics.error(new SourcePosition(file, 1, 1), "yaml-too-deep",
                    "the YAML is nested too deeply (more than " + MAX_NESTING + " levels)");
            return List.of();
        }
        for (Node document : documents) {
            if (expandsTooMuch(file, document, diagnostics)) {
                return List.of();
            }
            reportDuplicateKeys(file, document, diagnostics);
        }
        return documents;
    }

    /** SnakeYAML's composer, reading through {@link WholeTextReader} so that reading is linear in the text's length. */
    private static Composer composer(String text, ColumnMap columns, LoaderOptions options) {
        return new Composer(new ParserImpl(new WholeTextReader("'reader'", text, columns), options), new Resolver(),
                options);
    }

    /**
     * SnakeYAML's parser (reading through {@link WholeTextReader}, linear in the text's length) that
     * remembers the last event the composer looked at: where the composer was when it gave up
     * without a position of its own (nesting too deep).
     */
    private static final class LastEvent implements Parser {
        private final Parser parser;
        private Event last;

        LastEvent(Parser parser) {
            this.parser = parser;
        }

        @Override
        public boolean checkEvent(Event.ID choice) {
            return parser.checkEvent(choice);
        }

        @Override
        public Event peekEvent() {
            last = parser.peekEvent();
            return last;
        }

        @Override
        public Event getEvent() {
            last = parser.getEvent();
            return last;
        }

        Mark lastMark() {
            return last == null ? null : last.getStartMark();
        }
    }

    /**
     * Reports the first character YAML does not allow (control characters other than tab and line
     * breaks, unpaired surrogates, U+FFFE and U+FFFF) at its line and column: what a binary file
     * shows first. SnakeYAML's own reader would name only its index.
     */
    private static boolean unprintable(String file, String text, ColumnMap columns, Diagnostics diagnostics) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (!StreamReader.isPrintable(c)) {
                diagnostics.error(new SourcePosition(file, line, columns.original(line - 1, column - 1) + 1),
                        "unprintable-character", "the file holds "
                        + String.format("U+%04X", c) + (Character.isISOControl(c) ? ", a control character," : "")
                        + " which YAML does not allow in a document; is this a binary file? (a template is"
                        + " UTF-8 text)");
                return true;
            }
            i += Character.charCount(c);
            // Lines and columns as SnakeYAML counts them, so this position agrees with every other one.
            if (Constant.LINEBR.has(c) || c == '\r' && i < text.length() && text.charAt(i) != '\n') {
                line++;
                column = 1;
            } else if (c != 0xFEFF) {
                column++;
            }
        }
        return false;
    }

    /**
     * The document's start, when the lines before a syntax error already show an Onepanel
     * Workspace template file ({@code metadata: kind: Workspace}, which comes first): Onepanel's own
     * workspace files hold YAML that SnakeYAML rejects, and the user needs to hear that the file is
     * a workspace, not where its YAML goes wrong. Null otherwise.
     */
    private static Node onepanelWorkspaceBefore(String text, ColumnMap columns, Mark error, LoaderOptions options) {
        int end = 0;
        for (int line = 0; line < error.getLine() && end >= 0; line++) {
            end = text.indexOf('\n', end) + 1;
            if (end == 0) {
                return null;
            }
        }
        try {
            Node prefix = composer(text.substring(0, end), columns, options).getSingleNode();
            if (prefix instanceof MappingNode root && value(root, "apiVersion") == null
                    && value(root, "metadata") instanceof MappingNode metadata
                    && value(metadata, "kind") instanceof ScalarNode kind && kind.getValue().equals("Workspace")) {
                return prefix;
            }
        } catch (YAMLException | StackOverflowError e) {
            // the lines before the error do not read either: report the error itself
        }
        return null;
    }

    private static Node value(MappingNode mapping, String key) {
        for (NodeTuple t : mapping.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return t.getValueNode();
            }
        }
        return null;
    }

    /**
     * SnakeYAML's composer keeps every key of a mapping, duplicates included (only its
     * constructor rejects them); Kubernetes rejects them, so each is an error at the second key.
     * Iterative, so it costs no stack whatever the document's shape.
     */
    private static void reportDuplicateKeys(String file, Node document, Diagnostics diagnostics) {
        java.util.Deque<Node> todo = new java.util.ArrayDeque<>();
        java.util.Set<Node> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        todo.push(document);
        while (!todo.isEmpty()) {
            Node node = todo.pop();
            if (!seen.add(node)) {
                continue; // an alias: already checked where its anchor is
            }
            if (node instanceof MappingNode mapping) {
                java.util.Map<String, Node> keys = new java.util.HashMap<>();
                for (NodeTuple t : mapping.getValue()) {
                    if (t.getKeyNode() instanceof ScalarNode k && !k.getTag().equals(Tag.MERGE)) {
                        Node first = keys.putIfAbsent(k.getValue(), k);
                        if (first != null) {
                            SourcePosition at = position(file, first);
                            diagnostics.error(position(file, k), "duplicate-key", "duplicate key '" + k.getValue()
                                    + "'; first at line " + at.line() + ", column " + at.column()
                                    + " (the first value is used)");
                        }
                    }
                    todo.push(t.getValueNode());
                }
            } else if (node instanceof SequenceNode seq) {
                seq.getValue().forEach(todo::push);
            }
        }
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
            return tooManyAliases();
        }
        if (problem.contains("Nesting Depth")) {
            return tooDeep();
        }
        if (problem.contains("found duplicate key")) {
            return "duplicate key: " + problem.substring(problem.indexOf("found duplicate key") + 20).trim();
        }
        Mark started = e.getContextMark();
        if (context != null && started != null && e.getProblemMark() != null
                && started.getLine() != e.getProblemMark().getLine()) {
            context = context + " (started at line " + (started.getLine() + 1) + ", column " + (started.getColumn() + 1)
                    + ")";
        }
        return "invalid YAML: " + (context != null ? context + ", " : "") + problem;
    }

    private static String tooDeep() {
        return "the YAML is nested too deeply (more than " + MAX_NESTING + " levels)";
    }

    private static String tooManyAliases() {
        return "too many YAML aliases (more than " + MAX_ALIASES + "); alias expansion is limited to stop"
                + " 'billion laughs' documents";
    }

    /**
     * Refuses a document whose aliases would expand to more than {@link #MAX_EXPANSION} values
     * beyond those written: a handful of aliases of aliases ("billion laughs") stays under the
     * alias count yet would expand to hundreds of millions of values when read. Sizes are counted
     * once per node, so this costs one pass over the nodes as written.
     */
    private static boolean expandsTooMuch(String file, Node document, Diagnostics diagnostics) {
        java.util.Map<Node, Long> sizes = new java.util.IdentityHashMap<>();
        java.util.Deque<Node> todo = new java.util.ArrayDeque<>();
        todo.push(document);
        while (!todo.isEmpty()) {
            Node node = todo.peek();
            if (sizes.containsKey(node)) {
                todo.pop();
                continue;
            }
            List<Node> children = children(node);
            boolean ready = true;
            for (Node child : children) {
                if (!sizes.containsKey(child)) {
                    todo.push(child);
                    ready = false;
                }
            }
            if (ready) {
                long size = 1;
                for (Node child : children) {
                    size = Math.min(Long.MAX_VALUE / 2, size + sizes.get(child));
                }
                sizes.put(node, size);
                todo.pop();
            }
        }
        if (sizes.get(document) <= sizes.size() + MAX_EXPANSION) {
            return false;
        }
        // Point at the smallest value that alone expands too far: where the aliases pile up.
        Node at = document;
        boolean deeper = true;
        while (deeper) {
            deeper = false;
            for (Node child : children(at)) {
                if (sizes.get(child) > MAX_EXPANSION) {
                    at = child;
                    deeper = true;
                    break;
                }
            }
        }
        diagnostics.error(position(file, at), "yaml-aliases", "this value's YAML aliases expand to more than "
                + MAX_EXPANSION + " values; alias expansion is limited to stop 'billion laughs' documents");
        return true;
    }

    private static List<Node> children(Node node) {
        if (node instanceof SequenceNode seq) {
            return seq.getValue();
        }
        if (node instanceof MappingNode mapping) {
            List<Node> out = new ArrayList<>(mapping.getValue().size() * 2);
            for (NodeTuple t : mapping.getValue()) {
                out.add(t.getKeyNode());
                out.add(t.getValueNode());
            }
            return out;
        }
        return List.of();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
