package io.onepanel.workflow.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinePumpTest {

    static List<String> pump(String text, ResultTail tail) {
        List<String> lines = new ArrayList<>();
        new LinePump(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), lines::add, tail).run();
        return lines;
    }

    @Test
    void eachLineWithoutItsBreakAndTheLastEvenWithoutOne() {
        assertThat(pump("one\ntwo\r\n\nlast", null)).containsExactly("one", "two", "", "last");
    }

    @Test
    void everyByteAlsoGoesToTheResult() {
        ResultTail tail = new ResultTail(100);

        pump("a\nb\n", tail);

        assertThat(tail.result()).isEqualTo("a\nb");
    }

    @Test
    void aVeryLongLineIsPassedOnInBoundedPieces() {
        String line = "x".repeat(LinePump.MAX_LINE_BYTES * 2 + 5);

        assertThat(pump(line + "\nnext\n", null)).extracting(String::length)
                .containsExactly(LinePump.MAX_LINE_BYTES, LinePump.MAX_LINE_BYTES, 5, 4);
    }

    @Test
    void aFailingConsumerDoesNotStopTheDraining() {
        List<String> seen = new ArrayList<>();
        new LinePump(new ByteArrayInputStream("a\nb\nc\n".getBytes(StandardCharsets.UTF_8)), line -> {
            seen.add(line);
            if (line.equals("a")) {
                throw new IllegalStateException("listener broke");
            }
        }, null).run();

        assertThat(seen).containsExactly("a", "b", "c");
    }
}
