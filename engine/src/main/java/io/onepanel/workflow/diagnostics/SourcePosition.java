package io.onepanel.workflow.diagnostics;

/**
 * Where something is in a template file; lines and columns count from 1, as editors show them.
 */
public record SourcePosition(String file, int line, int column) {

    public static SourcePosition unknown(String file) {
        return new SourcePosition(file, 0, 0);
    }

    public boolean isKnown() {
        return line > 0;
    }

    /** The position {@code offset} characters into a single-line value that starts here. */
    public SourcePosition plusColumns(int offset) {
        return isKnown() ? new SourcePosition(file, line, column + offset) : this;
    }

    @Override
    public String toString() {
        return isKnown() ? file + ":" + line + ":" + column : file;
    }
}
