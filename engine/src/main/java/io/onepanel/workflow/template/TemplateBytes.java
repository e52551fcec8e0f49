package io.onepanel.workflow.template;

import io.onepanel.workflow.diagnostics.Diagnostic;
import io.onepanel.workflow.diagnostics.SourcePosition;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A template file's bytes as text. Templates are UTF-8, as Kubernetes and Argo read them; bytes
 * that are not UTF-8 (a binary file, a file saved as Latin-1) are an error at the first such byte,
 * by line, column and byte offset, instead of Java's position-less MalformedInputException.
 */
public final class TemplateBytes {

    /** The text, or why there is none. */
    public record Decoded(String text, Diagnostic error) {}

    private TemplateBytes() {}

    public static Decoded decode(String file, byte[] bytes) {
        int offset = firstNonUtf8Byte(bytes);
        if (offset >= 0) {
            return new Decoded(null, Diagnostic.error(position(file, bytes, offset), "not-utf8", String.format(
                    "byte 0x%02X at byte offset %d is not UTF-8; a template is UTF-8 text (is this a binary file,"
                            + " or text saved in another encoding?)", bytes[offset] & 0xFF, offset)));
        }
        return new Decoded(new String(bytes, StandardCharsets.UTF_8), null);
    }

    /**
     * The offset of the first byte that is not part of well-formed UTF-8, or -1 when all are (then
     * {@code new String(bytes, UTF_8)} loses nothing).
     */
    public static int firstNonUtf8Byte(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(8192);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                return in.position();
            }
            if (result.isUnderflow()) {
                return decoder.flush(out).isError() ? in.position() : -1;
            }
            out.clear(); // only the verdict matters, not the characters
        }
    }

    /** Line and column (in characters, as every other position) of the byte at {@code offset}. */
    private static SourcePosition position(String file, byte[] bytes, int offset) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
                column = 1;
            } else if ((bytes[i] & 0xC0) != 0x80) { // a continuation byte adds no character
                column++;
            }
        }
        return new SourcePosition(file, line, column);
    }
}
