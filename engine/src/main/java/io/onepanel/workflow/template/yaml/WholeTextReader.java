package io.onepanel.workflow.template.yaml;

import java.io.StringReader;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.scanner.Constant;

/**
 * SnakeYAML's reader over text that is already in memory, in time linear in its length.
 *
 * <p>SnakeYAML's own {@link StreamReader} reads 1,023 characters at a time and copies its whole
 * window of unread text into a new array on every read, and the scanner needs a whole word (the
 * text up to the next space or line break) in the window at once: a word of n characters costs
 * n²/2,046 copies, minutes for a one-line 30 MB value. This reader looks straight into the text
 * instead. It behaves as SnakeYAML's does (lines, columns and indexes in code points, the same
 * line breaks, the byte order mark not counted as a column) except that it does not check
 * printability: {@link YamlSource} checks the whole text, with positions, before reading.
 *
 * <p>Its marks carry no copy of the text (SnakeYAML uses it only for the excerpt in an exception's
 * message, which diagnostics do not show), so a mark costs no memory beyond itself.
 *
 * <p>When the text is a file with placeholders filled in, marks give the columns of the file as
 * written ({@link ColumnMap}); the scanner's own column, which decides indentation, stays the
 * filled text's. SnakeYAML reads a mark's position only to word its exception messages.
 */
final class WholeTextReader extends StreamReader {

    private static final int[] NO_EXCERPT = new int[0];

    private final String text;
    private final String name;
    private final ColumnMap columns;
    /** Whether the text has characters outside the Basic Multilingual Plane (two chars each). */
    private final boolean surrogates;
    private int offset; // in chars
    private int index; // in code points
    private int documentIndex; // in code points, from the current document's start
    private int line;
    private int column; // in code points
    /** The last code-point lookahead and where it ended, so the scanner's growing lookahead is linear. */
    private int aheadCodePoints;
    private int aheadOffset;

    WholeTextReader(String name, String text) {
        this(name, text, ColumnMap.IDENTITY);
    }

    WholeTextReader(String name, String text, ColumnMap columns) {
        super(new StringReader(""));
        this.name = name;
        this.text = text;
        this.columns = columns;
        boolean astral = false;
        for (int i = 0; i < text.length() && !astral; i++) {
            astral = Character.isSurrogate(text.charAt(i));
        }
        this.surrogates = astral;
    }

    @Override
    public Mark getMark() {
        return new Mark(name, index, line, columns.original(line, column), NO_EXCERPT, 0);
    }

    @Override
    public void forward() {
        forward(1);
    }

    @Override
    public void forward(int length) {
        for (int i = 0; i < length && offset < text.length(); i++) {
            int c = text.codePointAt(offset);
            offset += Character.charCount(c);
            index++;
            documentIndex++;
            if (Constant.LINEBR.has(c) || (c == '\r' && offset < text.length() && text.charAt(offset) != '\n')) {
                line++;
                column = 0;
            } else if (c != 0xFEFF) {
                column++;
            }
        }
        aheadCodePoints = 0;
        aheadOffset = offset;
    }

    @Override
    public int peek() {
        return offset < text.length() ? text.codePointAt(offset) : '\0';
    }

    @Override
    public int peek(int ahead) {
        int at = charOffset(ahead);
        return at < text.length() ? text.codePointAt(at) : '\0';
    }

    @Override
    public String prefix(int length) {
        return length == 0 ? "" : text.substring(offset, Math.min(charOffset(length), text.length()));
    }

    @Override
    public String prefixForward(int length) {
        String prefix = prefix(length);
        offset += prefix.length();
        index += length;
        documentIndex += length;
        column += length; // as SnakeYAML: a prefix never holds a line break
        aheadCodePoints = 0;
        aheadOffset = offset;
        return prefix;
    }

    @Override
    public int getColumn() {
        return column;
    }

    @Override
    public int getDocumentIndex() {
        return documentIndex;
    }

    @Override
    public void resetDocumentIndex() {
        documentIndex = 0;
    }

    @Override
    public int getIndex() {
        return index;
    }

    @Override
    public int getLine() {
        return line;
    }

    /** Where the code point {@code ahead} code points after the current one starts (may be past the end). */
    private int charOffset(int ahead) {
        if (!surrogates) {
            return offset + ahead;
        }
        int cp = 0;
        int at = offset;
        if (ahead >= aheadCodePoints) {
            cp = aheadCodePoints;
            at = aheadOffset;
        }
        while (cp < ahead && at < text.length()) {
            at += Character.charCount(text.codePointAt(at));
            cp++;
        }
        aheadCodePoints = cp;
        aheadOffset = at;
        return at + (ahead - cp);
    }
}
