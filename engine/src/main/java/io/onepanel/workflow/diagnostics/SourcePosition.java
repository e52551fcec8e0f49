package io.onepanel.workflow.diagnostics;

import java.util.Objects;

/**
 * Where something is in a template file; lines and columns count from 1, as editors show them.
 *
 * <p>The position of a text value may carry its {@link Layout}: how the characters of the value,
 * as the program sees it, lie in the file. YAML quotes, escapes, folds and indents text, so the
 * tenth character of a value is not always ten columns after its start; the layout knows where it
 * is. Two positions are equal when they name the same place, whatever their layouts.
 */
public record SourcePosition(String file, int line, int column, Layout layout) {

    /** Where each character of a text value stands in the file. */
    @FunctionalInterface
    public interface Layout {
        /** The position of the character {@code offset} characters into the value. */
        SourcePosition at(int offset);
    }

    public SourcePosition(String file, int line, int column) {
        this(file, line, column, null);
    }

    public static SourcePosition unknown(String file) {
        return new SourcePosition(file, 0, 0);
    }

    public boolean isKnown() {
        return line > 0;
    }

    /** Whether this is the start of a text value whose every character can be placed exactly. */
    public boolean hasLayout() {
        return layout != null && isKnown();
    }

    /**
     * The position {@code offset} characters into the value that starts here: exact when the value
     * has a layout, else the value's start itself (a guess would point at the wrong character).
     */
    public SourcePosition plusColumns(int offset) {
        if (!hasLayout()) {
            return withoutLayout();
        }
        return layout.at(offset);
    }

    public SourcePosition withoutLayout() {
        return layout == null ? this : new SourcePosition(file, line, column);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SourcePosition p && p.line == line && p.column == column && Objects.equals(p.file, file);
    }

    @Override
    public int hashCode() {
        return Objects.hash(file, line, column);
    }

    @Override
    public String toString() {
        return isKnown() ? file + ":" + line + ":" + column : file;
    }
}
