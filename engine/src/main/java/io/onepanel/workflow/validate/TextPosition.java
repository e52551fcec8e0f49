package io.onepanel.workflow.validate;

import io.onepanel.workflow.diagnostics.SourcePosition;

/**
 * Where an offset inside a YAML value lands in the file. Exact for values on one line; for
 * multi-line values the line is exact and the column counts from the line's start.
 */
final class TextPosition {

    private TextPosition() {}

    static SourcePosition of(SourcePosition valueStart, String text, int offset) {
        if (!valueStart.isKnown() || text == null) {
            return valueStart;
        }
        int newlines = 0;
        int lineStart = 0;
        for (int i = 0; i < Math.min(offset, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                newlines++;
                lineStart = i + 1;
            }
        }
        if (newlines == 0) {
            // Quoted values start one column after their opening quote.
            return valueStart.plusColumns(offset);
        }
        return new SourcePosition(valueStart.file(), valueStart.line() + newlines + 1, offset - lineStart + 1);
    }
}
