package io.onepanel.workflow.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A task's text made safe to print among our own lines, on a terminal or in a CI log: a task must
 * not clear the screen, set the title, move the cursor, or print a line that seems to be ours.
 * Control characters (C0 but TAB, DEL, C1) and the Unicode controls that reorder text (bidi
 * overrides and isolates) are shown escaped, {@code \x1b} or {@code \u202e}; everything else is
 * left as it is. A line is never split by what it holds, so each keeps the task's prefix; on a
 * terminal, a line wider than the screen is cut into rows that each carry the prefix, so that the
 * terminal's own wrapping cannot start a row without it.
 */
final class PrintableText {

    private PrintableText() {}

    static String of(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String escaped = escape(c);
            if (escaped != null && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (escaped != null) {
                    out.append(escaped);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    private static String escape(char c) {
        if (c < 0x20 && c != '\t' || c == 0x7f) {
            return String.format("\\x%02x", (int) c);
        }
        if (c >= 0x80 && c <= 0x9f || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069
                || c == 0x200e || c == 0x200f || c == 0x061c) {
            return String.format("\\u%04x", (int) c);
        }
        return null;
    }

    /**
     * {@code text} (already printable) in rows of at most {@code width} columns: tabs count to the
     * next multiple of 8, East Asian wide characters two; never an empty list.
     */
    static List<String> rows(String text, int width) {
        List<String> rows = new ArrayList<>();
        int columns = Math.max(8, width);
        int start = 0;
        int used = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int w = cp == '\t' ? 8 - used % 8 : wide(cp) ? 2 : 1;
            if (used + w > columns && i > start) {
                rows.add(text.substring(start, i));
                start = i;
                used = 0;
                w = cp == '\t' ? 8 : w;
            }
            used += w;
            i += Character.charCount(cp);
        }
        rows.add(text.substring(start));
        return rows;
    }

    /** The East Asian wide and fullwidth ranges a terminal gives two columns. */
    private static boolean wide(int cp) {
        return cp >= 0x1100 && cp <= 0x115f || cp >= 0x2e80 && cp <= 0xa4cf || cp >= 0xac00 && cp <= 0xd7a3
                || cp >= 0xf900 && cp <= 0xfaff || cp >= 0xfe30 && cp <= 0xfe4f || cp >= 0xff00 && cp <= 0xff60
                || cp >= 0xffe0 && cp <= 0xffe6 || cp >= 0x1f300 && cp <= 0x1faff || cp >= 0x20000 && cp <= 0x3fffd;
    }
}
