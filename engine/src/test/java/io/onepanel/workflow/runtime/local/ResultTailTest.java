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
    void theRingGrowsWithTheOutputAndStillKeepsTheLastBytesOfArgosLimit() {
        StringBuilder all = new StringBuilder();
        ResultTail tail = new ResultTail(LocalRuntimeOptions.ARGO_RESULT_LIMIT);
        for (int i = 0; all.length() < 300_000; i++) {
            byte[] chunk = ("line " + i + " " + "x".repeat(i % 700) + "\n").getBytes(StandardCharsets.UTF_8);
            tail.write(chunk, 0, chunk.length);
            all.append(new String(chunk, StandardCharsets.UTF_8));
        }
        String trimmed = all.substring(0, all.length() - 1);

        assertThat(tail.result()).isEqualTo(trimmed.substring(trimmed.length() - LocalRuntimeOptions.ARGO_RESULT_LIMIT));
        assertThat(tail.truncated()).isTrue();
        assertThat(tail(LocalRuntimeOptions.ARGO_RESULT_LIMIT, "small\n").result()).isEqualTo("small");
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
