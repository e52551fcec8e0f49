package io.onepanel.workflow.template.yaml;

import io.onepanel.workflow.diagnostics.SourcePosition;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;

/**
 * Where each character of one YAML text value stands in the file, given the value as written
 * ({@code raw}, from its first character to its end mark) and its style: plain, single or double
 * quoted (quotes, escapes, folded line breaks) or a literal ({@code |}) or folded ({@code >})
 * block (a header line, then lines indented by the block's indentation).
 */
final class ScalarLayout implements SourcePosition.Layout {

    private final String file;
    private final int line;
    private final int column;
    private final ScalarStyle style;
    private final String raw;

    ScalarLayout(String file, int line, int column, ScalarStyle style, String raw) {
        this.file = file;
        this.line = line;
        this.column = column;
        this.style = style;
        this.raw = raw;
    }

    @Override
    public SourcePosition at(int offset) {
        int r = rawIndex(Math.max(0, offset));
        return positionOf(Math.min(r, raw.length()));
    }

    /** The index in {@code raw} of the value's character {@code offset}. */
    private int rawIndex(int offset) {
        return switch (style) {
            case LITERAL, FOLDED -> block(offset);
            case SINGLE_QUOTED, DOUBLE_QUOTED -> flow(offset, 1);
            default -> flow(offset, 0);
        };
    }

    /** Plain and quoted values: line breaks fold into a space (or, with blank lines, into newlines). */
    private int flow(int offset, int contentStart) {
        int r = contentStart;
        int d = 0;
        int n = raw.length();
        while (r < n) {
            char c = raw.charAt(r);
            int next;
            int produced;
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                int w = r;
                while (w < n && (raw.charAt(w) == ' ' || raw.charAt(w) == '\t')) {
                    w++;
                }
                if (w < n && (raw.charAt(w) == '\n' || raw.charAt(w) == '\r')) {
                    // A fold: trailing blanks, the break, blank lines, the next line's indentation.
                    int blankLines = 0;
                    w = skipBreak(w);
                    while (true) {
                        int v = w;
                        while (v < n && (raw.charAt(v) == ' ' || raw.charAt(v) == '\t')) {
                            v++;
                        }
                        if (v < n && (raw.charAt(v) == '\n' || raw.charAt(v) == '\r')) {
                            blankLines++;
                            w = skipBreak(v);
                        } else {
                            w = v;
                            break;
                        }
                    }
                    next = w;
                    produced = Math.max(1, blankLines);
                } else {
                    next = r + 1;
                    produced = 1;
                }
            } else if (style == ScalarStyle.SINGLE_QUOTED && c == '\'') {
                if (r + 1 < n && raw.charAt(r + 1) == '\'') {
                    next = r + 2;
                    produced = 1;
                } else {
                    return r; // the closing quote
                }
            } else if (style == ScalarStyle.DOUBLE_QUOTED && c == '"') {
                return r;
            } else if (style == ScalarStyle.DOUBLE_QUOTED && c == '\\' && r + 1 < n) {
                char e = raw.charAt(r + 1);
                if (e == '\n' || e == '\r') {
                    int w = skipBreak(r + 1);
                    while (w < n && (raw.charAt(w) == ' ' || raw.charAt(w) == '\t')) {
                        w++;
                    }
                    next = w;
                    produced = 0;
                } else if (e == 'x') {
                    next = r + 4;
                    produced = 1;
                } else if (e == 'u') {
                    next = r + 6;
                    produced = 1;
                } else if (e == 'U') {
                    next = r + 10;
                    produced = 2;
                } else {
                    next = r + 2;
                    produced = 1;
                }
            } else {
                next = r + 1;
                produced = 1;
            }
            if (d + produced > offset) {
                return r;
            }
            d += produced;
            r = Math.min(next, n);
        }
        return r;
    }

    /** Literal and folded blocks: after the header line, each line less its indentation. */
    private int block(int offset) {
        int n = raw.length();
        int r = raw.indexOf('\n');
        if (r < 0) {
            return 0;
        }
        r++;
        int indent = indentation(r);
        int d = 0;
        while (r < n) {
            // Skip the indentation of this line (a blank line may have less).
            int s = 0;
            while (s < indent && r < n && raw.charAt(r) == ' ') {
                r++;
                s++;
            }
            while (r < n && raw.charAt(r) != '\n' && raw.charAt(r) != '\r') {
                if (d >= offset) {
                    return r;
                }
                d++;
                r++;
            }
            if (r >= n) {
                break;
            }
            int produced = 1;
            int after = skipBreak(r);
            if (style == ScalarStyle.FOLDED && isBlankLine(after)) {
                produced = 0; // "a\n\nb" folds to "a\nb": the first break goes
            }
            if (d + produced > offset) {
                return r;
            }
            d += produced;
            r = after;
        }
        return Math.min(r, n);
    }

    private int indentation(int from) {
        int r = from;
        int n = raw.length();
        while (r < n) {
            int s = r;
            while (r < n && raw.charAt(r) == ' ') {
                r++;
            }
            if (r < n && raw.charAt(r) != '\n' && raw.charAt(r) != '\r') {
                return r - s;
            }
            r = skipBreak(r);
        }
        return 0;
    }

    private boolean isBlankLine(int from) {
        int r = from;
        while (r < raw.length() && raw.charAt(r) == ' ') {
            r++;
        }
        return r < raw.length() && (raw.charAt(r) == '\n' || raw.charAt(r) == '\r');
    }

    private int skipBreak(int r) {
        if (r < raw.length() && raw.charAt(r) == '\r') {
            r++;
        }
        if (r < raw.length() && raw.charAt(r) == '\n') {
            r++;
        }
        return r;
    }

    private SourcePosition positionOf(int r) {
        int l = line;
        int lineStart = -1;
        for (int i = 0; i < r; i++) {
            if (raw.charAt(i) == '\n') {
                l++;
                lineStart = i;
            }
        }
        // Columns count characters as editors (and SnakeYAML) do: an emoji is one column, not two.
        int c = lineStart < 0 ? column + raw.codePointCount(0, r) : raw.codePointCount(lineStart, r);
        return new SourcePosition(file, l, c);
    }
}
