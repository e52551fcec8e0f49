package io.onepanel.workflow.runtime.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Drains one output stream of a process and hands each line to a consumer as soon as its line
 * break arrives. Memory stays bounded: a line longer than {@link #MAX_LINE_BYTES} is passed on in
 * pieces of that size. Keeps reading when the consumer throws, so the process never blocks on a
 * full pipe.
 */
final class LinePump implements Runnable {

    static final int MAX_LINE_BYTES = 64 * 1024;

    private final InputStream in;
    private final Consumer<String> lines;
    private final ResultTail tail;
    private byte[] line = new byte[256];
    private int lineLength;

    /** @param tail receives every byte as well, or null */
    LinePump(InputStream in, Consumer<String> lines, ResultTail tail) {
        this.in = in;
        this.lines = lines;
        this.tail = tail;
    }

    @Override
    public void run() {
        byte[] buffer = new byte[8192];
        try (in) {
            int read;
            while ((read = in.read(buffer)) != -1) {
                if (tail != null) {
                    tail.write(buffer, 0, read);
                }
                for (int i = 0; i < read; i++) {
                    byte b = buffer[i];
                    if (b == '\n') {
                        emit();
                    } else {
                        append(b);
                    }
                }
            }
        } catch (IOException e) {
            // The stream closes when the process is killed; what was read has been passed on.
        }
        if (lineLength > 0) {
            emit();
        }
    }

    private void append(byte b) {
        if (lineLength == MAX_LINE_BYTES) {
            emit();
        }
        if (lineLength == line.length) {
            line = Arrays.copyOf(line, Math.min(line.length * 2, MAX_LINE_BYTES));
        }
        line[lineLength++] = b;
    }

    private void emit() {
        int length = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
        String text = new String(line, 0, length, StandardCharsets.UTF_8);
        lineLength = 0;
        try {
            lines.accept(text);
        } catch (RuntimeException e) {
            // A listener's failure must not stop the pipe from draining.
        }
    }
}
