package io.onepanel.workflow.template.yaml;

import io.onepanel.workflow.template.InstallPlaceholder;
import io.onepanel.workflow.template.InstallValues;
import io.onepanel.workflow.diagnostics.Diagnostics;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.scanner.Constant;

/**
 * A template file with Onepanel's install-time placeholders filled in, as Onepanel fills them:
 * the exact text {@code {{.Name}}} replaced anywhere in the file, before YAML reads it. A placeholder
 * whose setting is not configured stays as written (and is reported where it stands). The columns
 * the filling moved are kept, so every position still names the file as written.
 */
public final class PlaceholderFill {

    private final String text;
    private final ColumnMap columns;

    private PlaceholderFill(String text, ColumnMap columns) {
        this.text = text;
        this.columns = columns;
    }

    public static PlaceholderFill of(String original, InstallValues values) {
        if (original.indexOf("{{.") < 0) {
            return new PlaceholderFill(original, ColumnMap.IDENTITY);
        }
        StringBuilder filled = new StringBuilder(original.length());
        ColumnMap.Builder columns = new ColumnMap.Builder();
        int line = 0;
        int originalColumn = 0;
        int filledColumn = 0;
        int i = 0;
        int n = original.length();
        while (i < n) {
            Optional<InstallPlaceholder> placeholder = original.startsWith("{{.", i) ? at(original, i)
                    : Optional.empty();
            Optional<String> value = placeholder.flatMap(p -> p.value(values));
            if (value.isPresent()) {
                int length = placeholder.get().text().length();
                String v = value.get();
                columns.add(line, new ColumnMap.Edit(filledColumn, filledColumn + v.length(), originalColumn,
                        originalColumn + length));
                filled.append(v);
                filledColumn += v.length();
                originalColumn += length; // placeholders and values are ASCII: one column a character
                i += length;
                continue;
            }
            int c = original.codePointAt(i);
            int width = Character.charCount(c);
            filled.append(original, i, i + width);
            i += width;
            // Lines and columns as SnakeYAML's reader counts them (WholeTextReader).
            if (Constant.LINEBR.has(c) || c == '\r' && i < n && original.charAt(i) != '\n') {
                line++;
                originalColumn = 0;
                filledColumn = 0;
            } else if (c != 0xFEFF) {
                originalColumn++;
                filledColumn++;
            }
        }
        return new PlaceholderFill(filled.toString(), columns.build());
    }

    /** The text as YAML reads it. */
    public String text() {
        return text;
    }

    /** Every document of the filled text; positions name the file as written. */
    public List<Node> compose(String file, Diagnostics diagnostics) {
        return YamlSource.compose(file, text, columns, diagnostics);
    }

    /** The filled text, placing each character by the file as written. */
    public SourceText source(String file) {
        return new SourceText(file, text, columns);
    }

    /** The placeholder written exactly at {@code at}, if one is. */
    private static Optional<InstallPlaceholder> at(String text, int at) {
        for (InstallPlaceholder p : InstallPlaceholder.values()) {
            if (text.startsWith(p.text(), at)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
