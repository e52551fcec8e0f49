package io.onepanel.workflow.runtime.local;

import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The main container's stdout as Argo's {@code outputs.result}, in bounded memory. Argo's
 * executor ({@code CaptureScriptResult} in {@code workflow/executor/executor.go}) reads the whole
 * stdout, trims a single trailing newline and, when more than 256 kB remain, keeps only the last
 * 256 kB. This keeps a ring of the last {@code limit + 1} bytes, which is all that rule needs,
 * grown as output arrives rather than allocated whole for every attempt.
 * Not thread-safe: one pump writes, and the result is read after the pump is done.
 */
final class ResultTail {

    /** What a ring starts with: most tasks print little, and a thousand may run at once. */
    static final int INITIAL_BYTES = 256;

    private final int limit;
    private final int capacity;
    private byte[] ring;
    private long total;

    ResultTail(int limit) {
        this.limit = limit;
        this.capacity = limit + 1;
        this.ring = new byte[Math.min(capacity, INITIAL_BYTES)];
    }

    void write(byte[] bytes, int offset, int length) {
        if (ring.length < capacity && total + length > ring.length) {
            // Not wrapped yet (the ring wraps only at full capacity): grow, keeping positions.
            ring = Arrays.copyOf(ring, (int) Math.min(capacity, Math.max(total + length, 2L * ring.length)));
        }
        if (length > ring.length) {
            int skipped = length - ring.length;
            offset += skipped;
            length -= skipped;
            total += skipped;
        }
        while (length > 0) {
            int position = (int) (total % ring.length);
            int chunk = Math.min(length, ring.length - position);
            System.arraycopy(bytes, offset, ring, position, chunk);
            offset += chunk;
            length -= chunk;
            total += chunk;
        }
    }

    /** Whether {@link #result()} left out the beginning of the output. */
    boolean truncated() {
        return trimmedLength() > limit;
    }

    long totalBytes() {
        return total;
    }

    String result() {
        long length = Math.min(trimmedLength(), limit);
        long start = trimmedLength() - length;
        byte[] kept = new byte[(int) length];
        for (int i = 0; i < length; i++) {
            kept[i] = ring[(int) ((start + i) % ring.length)];
        }
        int from = 0;
        if (start > 0) {
            // The cut may fall inside a UTF-8 sequence: drop its continuation bytes.
            while (from < kept.length && (kept[from] & 0xC0) == 0x80) {
                from++;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(kept, from, kept.length - from))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException("REPLACE never throws", e);
        }
    }

    private long trimmedLength() {
        boolean newlineAtEnd = total > 0 && ring[(int) ((total - 1) % ring.length)] == '\n';
        return newlineAtEnd ? total - 1 : total;
    }
}
