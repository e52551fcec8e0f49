package io.onepanel.workflow.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** outputs.result as Argo's CaptureScriptResult makes it: one newline trimmed, the last bytes kept. */
class ResultTailTest {

    static ResultTail tail(int limit, String... writes) {
        ResultTail tail = new ResultTail(limit);
        for (String write : writes) {
            byte[] bytes = write.getBytes(StandardCharsets.UTF_8);
            tail.write(bytes, 0, bytes.length);
        }
        return tail;
    }

    @Test
    void oneTrailingNewlineIsTrimmed() {
        assertThat(tail(100, "hello\n").result()).isEqualTo("hello");
        assertThat(tail(100, "hello\n\n").result()).isEqualTo("hello\n");
        assertThat(tail(100, "no newline").result()).isEqualTo("no newline");
        assertThat(tail(100).result()).isEmpty();
        assertThat(tail(100, "\n").result()).isEmpty();
    }

    @Test
    void outputUpToTheLimitIsKeptWholeAcrossWrites() {
        ResultTail tail = tail(10, "01234", "56789", "\n");

        assertThat(tail.result()).isEqualTo("0123456789");
        assertThat(tail.truncated()).isFalse();
    }

    @Test
    void longerOutputKeepsTheLastBytesAfterTrimmingTheNewline() {
        ResultTail tail = tail(4, "abc", "defgh", "ij\n");

        assertThat(tail.result()).isEqualTo("ghij");
        assertThat(tail.truncated()).isTrue();
        assertThat(tail.totalBytes()).isEqualTo(11);
    }

    @Test
    void aWriteLargerThanTheRingKeepsItsEnd() {
        assertThat(tail(3, "x", "0123456789").result()).isEqualTo("789");
    }

    @Test
    void aCutInsideAMultiByteCharacterDropsItsRemains() {
        // "é" is two bytes; keeping the last 3 bytes of "aé!" would start inside nothing, of "éé!" inside "é".
        assertThat(tail(3, "ééé!").result()).isEqualTo("é!");
        assertThat(tail(4, "ééé!").result()).isEqualTo("é!");
    }
}
