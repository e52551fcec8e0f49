package io.onepanel.workflow.template.yaml;

import io.onepanel.workflow.diagnostics.SourcePosition;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * One template file as written, so that a position can be given for any character of a value:
 * SnakeYAML marks where a value starts, but a quoted, escaped, folded or block value does not
 * map column for column onto the text the program sees. The style of each {@link ScalarNode}
 * says how its characters were written; {@link ScalarLayout} walks them.
 *
 * <p>The text may be a file with placeholders filled in ({@link PlaceholderFill}): values are laid
 * out in the filled text, and every position is then moved back to the file as written.
 */
public final class SourceText {

    private final String file;
    private final String text;
    private final int[] lineStarts;
    private final boolean surrogates;
    private final ColumnMap columns;

    public SourceText(String file, String text) {
        this(file, text, ColumnMap.IDENTITY);
    }

    SourceText(String file, String text, ColumnMap columns) {
        this.file = file;
        this.text = text;
        this.columns = columns;
        int lines = 1;
        boolean astral = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                lines++;
            } else if (Character.isSurrogate(c)) {
                astral = true;
            }
        }
        this.lineStarts = new int[lines];
        int line = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                lineStarts[line++] = i + 1;
            }
        }
        this.surrogates = astral;
    }

    /** A file known only by name: positions without layouts. */
    public static SourceText named(String file) {
        return new SourceText(file, "");
    }

    public String file() {
        return file;
    }

    /** Where the node starts; for a text value, with the layout of each of its characters. */
    public SourcePosition position(Node node) {
        SourcePosition start = YamlSource.position(file, node);
        if (!(node instanceof ScalarNode scalar) || text.isEmpty()) {
            return start;
        }
        int from = charIndex(node.getStartMark());
        int to = charIndex(node.getEndMark());
        if (from < 0 || to < from || to > text.length()) {
            return start;
        }
        ScalarStyle style = scalar.getScalarStyle();
        String raw = text.substring(from, to);
        ScalarLayout filled = new ScalarLayout(file, start.line(), filledColumn(node.getStartMark()) + 1, style, raw);
        SourcePosition.Layout layout = columns.isIdentity() ? filled : offset -> written(filled.at(offset));
        return new SourcePosition(file, start.line(), start.column(), layout);
    }

    /** A position in the filled text as a position in the file as written. */
    private SourcePosition written(SourcePosition filled) {
        return new SourcePosition(file, filled.line(), columns.original(filled.line() - 1, filled.column() - 1) + 1);
    }

    /** A mark's column (which names the file as written) in the filled text. */
    private int filledColumn(Mark mark) {
        return columns.filled(mark.getLine(), mark.getColumn());
    }

    private int charIndex(Mark mark) {
        if (mark == null || mark.getLine() >= lineStarts.length) {
            return -1;
        }
        int lineStart = lineStarts[mark.getLine()];
        int column = filledColumn(mark);
        if (!surrogates) {
            return lineStart + column;
        }
        try {
            return text.offsetByCodePoints(lineStart, column);
        } catch (IndexOutOfBoundsException e) {
            return -1;
        }
    }
}
