package io.onepanel.workflow.validate;

import io.onepanel.workflow.diagnostics.SourcePosition;

/**
 * Where an offset inside a YAML value lands in the file. The loader gives each text value's
 * position the layout of its characters (quotes, escapes, folded lines, block indentation), so
 * the position is exact; a value without one (a mapping's start) is reported at its start rather
 * than at a guessed column.
 */
final class TextPosition {

    private TextPosition() {}

    static SourcePosition of(SourcePosition valueStart, String text, int offset) {
        if (text == null || offset < 0) {
            return valueStart.withoutLayout();
        }
        return valueStart.plusColumns(Math.min(offset, text.length()));
    }
}
