package io.onepanel.workflow.template.yaml;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Columns of a text in which some spans of single lines were replaced (placeholders filled), and
 * the same columns in the text as written: every position a user sees names the file as written.
 * Lines are unchanged; columns count code points from 0, as SnakeYAML's marks do. A column inside
 * a replacement stands for the start of what it replaced.
 */
final class ColumnMap {

    static final ColumnMap IDENTITY = new ColumnMap(Map.of());

    /** One replaced span of a line, in both texts: [start, end) columns. */
    record Edit(int filledStart, int filledEnd, int originalStart, int originalEnd) {}

    private final Map<Integer, List<Edit>> editsByLine;

    private ColumnMap(Map<Integer, List<Edit>> editsByLine) {
        this.editsByLine = editsByLine;
    }

    boolean isIdentity() {
        return editsByLine.isEmpty();
    }

    /** The column of the written text that {@code filledColumn} of line {@code line} stands for. */
    int original(int line, int filledColumn) {
        return map(line, filledColumn, true);
    }

    /** The column of the filled text at {@code originalColumn} of the written one. */
    int filled(int line, int originalColumn) {
        return map(line, originalColumn, false);
    }

    private int map(int line, int column, boolean fromFilled) {
        List<Edit> edits = editsByLine.get(line);
        if (edits == null) {
            return column;
        }
        int delta = 0;
        for (Edit e : edits) {
            int start = fromFilled ? e.filledStart() : e.originalStart();
            int end = fromFilled ? e.filledEnd() : e.originalEnd();
            if (column < start) {
                break;
            }
            if (column < end) {
                return fromFilled ? e.originalStart() : e.filledStart();
            }
            delta = (fromFilled ? e.originalEnd() : e.filledEnd()) - end;
        }
        return column + delta;
    }

    /** Collects the edits of a text from its start to its end, line by line and left to right. */
    static final class Builder {
        private final Map<Integer, List<Edit>> edits = new HashMap<>();

        void add(int line, Edit edit) {
            edits.computeIfAbsent(line, l -> new ArrayList<>()).add(edit);
        }

        ColumnMap build() {
            return edits.isEmpty() ? IDENTITY : new ColumnMap(Map.copyOf(edits));
        }
    }
}
