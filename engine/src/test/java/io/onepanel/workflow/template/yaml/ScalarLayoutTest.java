package io.onepanel.workflow.template.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.diagnostics.Diagnostics;
import io.onepanel.workflow.diagnostics.SourcePosition;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Where the character at an offset of a value stands in the file, for every way YAML writes text.
 * Each case finds the first {@code X} of the value as the program sees it and expects the
 * line:column where that {@code X} is written.
 */
class ScalarLayoutTest {

    /** line:column of the first X of the value of the document's only key. */
    private static String whereIsX(String yaml) {
        List<Node> docs = YamlSource.compose("f.yaml", yaml, new Diagnostics());
        Node value = ((MappingNode) docs.get(0)).getValue().get(0).getValueNode();
        String text = ((org.yaml.snakeyaml.nodes.ScalarNode) value).getValue();
        SourcePosition p = new SourceText("f.yaml", yaml).position(value).plusColumns(text.indexOf('X'));
        return p.line() + ":" + p.column();
    }

    @Test
    void plain() {
        assertThat(whereIsX("key: abc X\n")).isEqualTo("1:10");
    }

    @Test
    void plainFoldedOverLines() {
        assertThat(whereIsX("key: abc\n  def\n     gh X\n")).isEqualTo("3:9");
    }

    @Test
    void plainWithABlankLineKeepsANewline() {
        assertThat(whereIsX("key: abc\n\n  X\n")).isEqualTo("3:3");
    }

    @Test
    void doubleQuotedStartsAfterTheQuote() {
        assertThat(whereIsX("key: \"ab X\"\n")).isEqualTo("1:10");
    }

    @Test
    void doubleQuotedEscapesTakeMoreThanOneColumn() {
        assertThat(whereIsX("key: \"a\\tb\\u00e9\\\"X\"\n")).isEqualTo("1:19");
    }

    @Test
    void doubleQuotedEscapedLineBreakJoinsLines() {
        assertThat(whereIsX("key: \"abc\\\n    deX\"\n")).isEqualTo("2:7");
    }

    @Test
    void singleQuotedDoubledQuoteIsOneCharacter() {
        assertThat(whereIsX("key: 'it''s X'\n")).isEqualTo("1:13");
    }

    @Test
    void singleQuotedFoldedOverLines() {
        assertThat(whereIsX("key: 'ab\n   cd X'\n")).isEqualTo("2:7");
    }

    @Test
    void literalBlockCountsFromItsIndentation() {
        assertThat(whereIsX("key: |\n  line one\n  two X\n")).isEqualTo("3:7");
    }

    @Test
    void literalBlockFirstLine() {
        assertThat(whereIsX("key: |-\n    X\n")).isEqualTo("2:5");
    }

    @Test
    void literalBlockKeepsExtraIndentation() {
        assertThat(whereIsX("key: |\n  a\n      X\n")).isEqualTo("3:7");
    }

    @Test
    void literalBlockWithBlankLines() {
        assertThat(whereIsX("key: |\n  a\n\n  b X\n")).isEqualTo("4:5");
    }

    @Test
    void foldedBlock() {
        assertThat(whereIsX("key: >\n  one\n  two X\n")).isEqualTo("3:7");
    }

    @Test
    void foldedBlockWithABlankLine() {
        assertThat(whereIsX("key: >\n  one\n\n  two X\n")).isEqualTo("4:7");
    }

    @Test
    void windowsLineEnds() {
        assertThat(whereIsX("key: |\r\n  a\r\n  bX\r\n")).isEqualTo("3:4");
    }

    @Test
    void anEmojiIsOneColumn() {
        assertThat(whereIsX("key: \"\uD83D\uDE00 X\"\n")).isEqualTo("1:9");
    }

    @Test
    void anEmojiOnAnEarlierLineDoesNotShiftLaterOnes() {
        assertThat(whereIsX("key: |\n  \uD83D\uDE00\n  \uD83D\uDE00 X\n")).isEqualTo("3:5");
    }

    @Test
    void accentedLettersAreOneColumn() {
        assertThat(whereIsX("key: \"\u00e9t\u00e9 X\"\n")).isEqualTo("1:11");
    }
}
