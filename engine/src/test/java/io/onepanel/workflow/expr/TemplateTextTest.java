package io.onepanel.workflow.expr;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TemplateTextTest {

    private final VariableScope scope = VariableScope.of(Map.of(
            "inputs.parameters.message", "hello world",
            "inputs.parameters.x", "41",
            "inputs.parameters.my-param", "hyphenated",
            "tasks.flip-coin.outputs.result", "heads",
            "workflow.parameters.model-path", "s3://models/resnet",
            "workflow.parameters.json", "{\"a\": {\"b\": [10, 20]}}",
            "item", Map.of("key", "k1", "size", 3)));

    @Nested
    class Scanning {

        @Test
        void findsEveryTagWithItsOffsetsAndKind() {
            String text = "echo {{ inputs.parameters.message }} {{=asInt(inputs.parameters.x) + 1}}";

            assertThat(TemplateText.scan(text)).containsExactly(
                    new Tag(5, 36, "inputs.parameters.message", false),
                    new Tag(37, 72, "asInt(inputs.parameters.x) + 1", true));
        }

        @Test
        void anExpressionTagKeepsItsTextVerbatimSoOffsetsInsideItLineUp() {
            Tag tag = TemplateText.scan("a {{= 1 + 2 }}").get(0);

            assertThat(tag.expression()).isEqualTo(" 1 + 2 ");
            assertThat(tag.expressionStart()).isEqualTo(5);
        }

        @Test
        void anEqualsSignAfterASpaceDoesNotMakeAnExpressionTag() {
            assertThat(TemplateText.scan("{{ =x}}")).containsExactly(new Tag(0, 7, "=x", false));
        }

        @Test
        void jsonWithNestedBracesHasNoTags() {
            assertThat(TemplateText.scan("{\"a\": {\"b\": 1}}")).isEmpty();
        }

        @Test
        void theLastOpeningBracesBeforeTheClosingOnesOpenTheTag() {
            assertThat(TemplateText.scan("{{{item.key}}}")).containsExactly(new Tag(1, 13, "item.key", false));
        }

        @Test
        void anUnterminatedTagIsAnErrorAtItsOffset() {
            assertThatThrownBy(() -> TemplateText.scan("ok {{a}} then {{ broken"))
                    .isInstanceOf(ExpressionException.class)
                    .hasMessageContaining("'{{' is not closed")
                    .extracting(e -> ((ExpressionException) e).offset()).isEqualTo(14);
        }
    }

    @Nested
    class SimpleTags {

        @Test
        void areReplacedWithOrWithoutSpacesInside() {
            assertThat(TemplateText.substitute("say {{inputs.parameters.message}} / {{  inputs.parameters.x\t}}",
                    scope, UnresolvedPolicy.FAIL)).isEqualTo("say hello world / 41");
        }

        @Test
        void reachHyphenatedNamesByTheirFlatName() {
            assertThat(TemplateText.substitute("--model={{workflow.parameters.model-path}} {{tasks.flip-coin.outputs.result}}",
                    scope, UnresolvedPolicy.FAIL)).isEqualTo("--model=s3://models/resnet heads");
        }

        @Test
        void writeStructuredValuesAsJson() {
            assertThat(TemplateText.substitute("{{item}} {{item.key}}", scope, UnresolvedPolicy.FAIL))
                    .isEqualTo("{\"key\":\"k1\",\"size\":3} k1");
        }

        @Test
        void leaveJsonTextAlone() {
            String json = "{\"a\": {\"b\": 1}, \"msg\": \"{{inputs.parameters.message}}\"}";

            assertThat(TemplateText.substitute(json, scope, UnresolvedPolicy.FAIL))
                    .isEqualTo("{\"a\": {\"b\": 1}, \"msg\": \"hello world\"}");
        }

        @Test
        void unknownOnesAreKeptVerbatimUnderKeep() {
            String text = "a {{ tasks.later.outputs.result }} b {{inputs.parameters.x}}";

            assertThat(TemplateText.substitute(text, scope, UnresolvedPolicy.KEEP))
                    .isEqualTo("a {{ tasks.later.outputs.result }} b 41");
        }

        @Test
        void unknownOnesFailUnderFailNamingTheVariableAndItsOffset() {
            assertThatThrownBy(() -> TemplateText.substitute("a {{inputs.parameters.x}} {{ inputs.parameters.y }}",
                    scope, UnresolvedPolicy.FAIL))
                    .isInstanceOfSatisfying(UnresolvedVariableException.class, e -> {
                        assertThat(e.variable()).isEqualTo("inputs.parameters.y");
                        assertThat(e.offset()).isEqualTo(26);
                    });
        }

        @Test
        void aTaskScopeSitsOverTheWorkflowScope() {
            VariableScope task = VariableScope.of(Map.of("inputs.parameters.message", "from task"))
                    .withParent(scope);

            assertThat(TemplateText.substitute("{{inputs.parameters.message}} {{inputs.parameters.x}}", task,
                    UnresolvedPolicy.FAIL)).isEqualTo("from task 41");
        }
    }

    @Nested
    class ExpressionTags {

        @Test
        void computeWithConversions() {
            assertThat(TemplateText.substitute("--epochs={{=asInt(inputs.parameters.x) + 1}}", scope,
                    UnresolvedPolicy.FAIL)).isEqualTo("--epochs=42");
        }

        @Test
        void reachHyphenatedNamesByIndexing() {
            assertThat(TemplateText.substitute(
                    "{{=tasks['flip-coin'].outputs.result == 'heads' ? 'yes' : 'no'}} {{=inputs.parameters['my-param']}}",
                    scope, UnresolvedPolicy.FAIL)).isEqualTo("yes hyphenated");
        }

        @Test
        void writeIntegralFloatsWithoutAFractionAndOthersInPlainDecimal() {
            assertThat(TemplateText.substitute("{{=asFloat('2') * 3}} {{=10 / 4}} {{=1 == 1}}", scope,
                    UnresolvedPolicy.FAIL)).isEqualTo("6 2.5 true");
        }

        @Test
        void writeListsAndMapsAsJson() {
            assertThat(TemplateText.substitute("{{=toJson([1, 'a'])}} {{=[1, 2]}} {{=toJson({'b': 1, 'a': true}) }}", scope,
                    UnresolvedPolicy.FAIL)).isEqualTo("[1,\"a\"] [1,2] {\"a\":true,\"b\":1}");
        }

        @Test
        void extractFromJsonWithJsonpath() {
            assertThat(TemplateText.substitute("{{=jsonpath(workflow.parameters.json, '$.a.b[1]')}}", scope,
                    UnresolvedPolicy.FAIL)).isEqualTo("20");
        }

        @Test
        void thatNeedAnUnknownVariableAreKeptUnderKeep() {
            String text = "{{=asInt(tasks.train.outputs.result) + 1}} {{=inputs.parameters.z ?? 'default'}}";

            assertThat(TemplateText.substitute(text, scope, UnresolvedPolicy.KEEP)).isEqualTo(text);
        }

        @Test
        void thatNeedAnUnknownVariableFailUnderFailAtTheVariablesOffset() {
            assertThatThrownBy(() -> TemplateText.substitute("x {{=asInt(tasks.train.outputs.result) + 1}}", scope,
                    UnresolvedPolicy.FAIL))
                    .isInstanceOfSatisfying(UnresolvedVariableException.class, e -> {
                        assertThat(e.variable()).isEqualTo("tasks.train.outputs.result");
                        assertThat(e.offset()).isEqualTo(11);
                    });
        }

        @Test
        void mayFallBackOnADefaultWhenTheVariableIsAbsent() {
            assertThat(TemplateText.substitute("{{=inputs.parameters.z ?? 'default'}}", scope, UnresolvedPolicy.FAIL))
                    .isEqualTo("default");
        }

        @Test
        void reportSyntaxErrorsAtTheirOffsetInTheWholeText() {
            assertThatThrownBy(() -> TemplateText.substitute("echo {{=1 +}}", scope, UnresolvedPolicy.KEEP))
                    .isInstanceOf(ExpressionException.class)
                    .extracting(e -> ((ExpressionException) e).offset()).isEqualTo(11);
        }

        @Test
        void reportTypeErrorsEvenUnderKeepWhenNoVariableIsMissing() {
            assertThatThrownBy(() -> TemplateText.substitute("{{='a' - 1}}", scope, UnresolvedPolicy.KEEP))
                    .isInstanceOf(ExpressionException.class)
                    .hasMessageContaining("operator '-' needs two numbers, got a string and an int");
        }

        @Test
        void thatEvaluateToNilAreKeptUnderKeepAndFailUnderFail() {
            assertThat(TemplateText.substitute("{{=nil}}", scope, UnresolvedPolicy.KEEP)).isEqualTo("{{=nil}}");
            assertThatThrownBy(() -> TemplateText.substitute("{{=nil}}", scope, UnresolvedPolicy.FAIL))
                    .hasMessageContaining("evaluated to nil");
        }
    }

    @Test
    void aTextWithoutTagsIsReturnedAsIs() {
        assertThat(TemplateText.substitute("plain } text {", scope, UnresolvedPolicy.FAIL))
                .isEqualTo("plain } text {");
        assertThat(TemplateText.scan("plain")).isEqualTo(List.of());
    }
}
