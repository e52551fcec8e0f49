package io.onepanel.workflow.template.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.onepanel.workflow.diagnostics.Diagnostics;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reading is linear in the text's length, however long one value is: the work is measured as the
 * memory the reading thread allocates, which SnakeYAML's own reader makes grow with the square of
 * a word's length (it copies its whole window of unread text for every 1,023 characters read).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard only; nothing here is timed
class LongScalarTest {

    private static final int MIB = 1024 * 1024;

    private static long allocatedWhileComposing(String text, Diagnostics diagnostics, List<Node> into) {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs the JVM's per-thread allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        long before = threads.getCurrentThreadAllocatedBytes();
        into.addAll(YamlSource.compose("long.yaml", text, diagnostics));
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    private static String longWord(int length) {
        return "entrypoint: main\ndata: " + "x".repeat(length) + "\n";
    }

    @Test
    void aValueOfEightMegabytesWithoutASpaceIsReadWithWorkProportionalToItsLength() {
        String text = longWord(8 * MIB);
        Diagnostics diagnostics = new Diagnostics();
        List<Node> documents = new java.util.ArrayList<>();

        long allocated = allocatedWhileComposing(text, diagnostics, documents);

        assertThat(diagnostics.sorted()).isEmpty();
        ScalarNode data = (ScalarNode) ((MappingNode) documents.get(0)).getValue().get(1).getValueNode();
        assertThat(data.getValue()).hasSize(8 * MIB);
        // The text is 16 MiB as Java chars; a linear reader allocates a few copies of it. SnakeYAML's
        // own allocates about 130 GiB here (8 Mi × 8 Mi / 2 / 1023 ints).
        assertThat(allocated).isLessThan(20L * text.length() * 2);
    }

    @Test
    void doublingTheValueAtMostDoublesTheWork() {
        long small = allocatedWhileComposing(longWord(MIB), new Diagnostics(), new java.util.ArrayList<>());
        long large = allocatedWhileComposing(longWord(4 * MIB), new Diagnostics(), new java.util.ArrayList<>());

        assertThat(large).isLessThan(small * 4 * 3 / 2); // linear, with room for noise; quadratic is 16×
    }

    @Test
    void aLongValueWithCharactersOutsideTheBasicPlaneIsLinearToo() {
        String text = "data: " + "\uD83D\uDE80".repeat(MIB) + "\n";
        Diagnostics diagnostics = new Diagnostics();
        List<Node> documents = new java.util.ArrayList<>();

        long allocated = allocatedWhileComposing(text, diagnostics, documents);

        assertThat(diagnostics.sorted()).isEmpty();
        assertThat(((ScalarNode) ((MappingNode) documents.get(0)).getValue().get(0).getValueNode()).getValue())
                .hasSize(2 * MIB);
        assertThat(allocated).isLessThan(20L * text.length() * 2);
    }
}
