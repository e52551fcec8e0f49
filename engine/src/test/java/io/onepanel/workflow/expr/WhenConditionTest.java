package io.onepanel.workflow.expr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code when} conditions, as Argo evaluates them with govaluate after substituting their tags. */
class WhenConditionTest {

    private static boolean when(String condition) {
        return (Boolean) Expression.parse(condition, Dialect.WHEN).evaluate(VariableScope.empty());
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiterString = "=>", quoteCharacter = '`', textBlock = """
            heads == heads                          => true
            tails == heads                          => false
            tails != heads                          => true
            heads =~ hea                            => true
            tails =~ hea                            => false
            tails !~ hea                            => true
            5 > 3                                   => true
            5 <= 3                                  => false
            2.5 >= 2.5                              => true
            "a" in ("a", "b")                       => true
            'c' in ('a', 'b')                       => false
            (a == a && b != c) || x == y            => true
            (a == b && b != c) || x == y            => false
            hello-world == hello-world              => true
            hello-world == hello-there              => false
            flip-coin-2 == flip-coin-2              => true
            v1.2 == v1.2                            => true
            5-3 == 2                                => true
            "5" == 5                                => false
            5 == 5.0                                => true
            true                                    => true
            !false                                  => true
            !(heads == tails)                       => true
            true && false || true                   => true
            true || false && false                  => true
            1 + 1 == 2                              => true
            2 * 3 > 5 && 10 % 4 == 2                => true
            'b' > 'a'                               => true
            [steps.a b] == 'steps.a b'              => true
            heads == heads ? true : false           => true
            """)
    void evaluatesLikeGovaluateWithIdentifiersAsStrings(String condition, boolean expected) {
        assertThat(when(condition)).isEqualTo(expected);
    }

    @Test
    void evaluatesArgosCoinflipConditionsOnceTheirTagsAreSubstituted() {
        VariableScope flipped = VariableScope.of(Map.of(
                "steps.flip-coin.outputs.result", "heads", "steps.flip-again.outputs.result", "tails"));
        String complex = """
                ( {{steps.flip-coin.outputs.result}} == heads &&
                  {{steps.flip-again.outputs.result}} == tails
                ) ||
                ( {{steps.flip-coin.outputs.result}} == tails &&
                  {{steps.flip-again.outputs.result}} == tails )""";

        assertThat(when(TemplateText.substitute("{{steps.flip-coin.outputs.result}} == heads", flipped,
                UnresolvedPolicy.FAIL))).isTrue();
        assertThat(when(TemplateText.substitute("{{steps.flip-coin.outputs.result}} == tails", flipped,
                UnresolvedPolicy.FAIL))).isFalse();
        assertThat(when(TemplateText.substitute(complex, flipped, UnresolvedPolicy.FAIL))).isTrue();
        assertThat(when(TemplateText.substitute("{{steps.flip-again.outputs.result}} =~ tai", flipped,
                UnresolvedPolicy.FAIL))).isTrue();
    }

    @Test
    void acceptsTheResultOfAnExpressionTag() {
        VariableScope scope = VariableScope.of(Map.of("inputs.parameters.may-contain-quotes", "it's \"here\""));

        assertThat(when(TemplateText.substitute("{{=inputs.parameters['may-contain-quotes'] == 'example'}}", scope,
                UnresolvedPolicy.FAIL))).isFalse();
    }

    @Test
    void matchesANumberAgainstARegularExpressionByItsText() {
        assertThat(when("42 =~ '^4[0-9]$'")).isTrue();
    }

    @Test
    void refusesAResultThatIsNotABoolean() {
        assertThatThrownBy(() -> when("heads"))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("expected a boolean, got a string 'heads'");
        assertThatThrownBy(() -> when("1 + 2"))
                .hasMessageContaining("expected a boolean, got a float '3'");
    }

    @Test
    void refusesComparingAStringWithANumber() {
        assertThatThrownBy(() -> when("abc > 3"))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("operator '>' needs two numbers or two strings, got a string and a float")
                .extracting(e -> ((ExpressionException) e).offset()).isEqualTo(4);
    }

    @ParameterizedTest(name = "{0} fails at {1}: {2}")
    @CsvSource(delimiterString = "=>", quoteCharacter = '`', textBlock = """
            heads ==                 => 8  => expected a value, found end of expression
            (heads == tails          => 15 => expected ')' to close '(' at offset 0
            heads = tails            => 6  => did you mean '=='?
            heads == 'tails          => 9  => string starting here is not closed
            s3://bucket == x         => 2  => expected an operator or the end of the condition, found ':'
            a == b @ c               => 7  => invalid token '@'
            {{x}} == heads           => 0  => substitute {{...}} tags before evaluating
            a == b c                 => 7  => expected an operator or the end of the condition, found string 'c'
            ``                       => 0  => empty condition
            """)
    void reportsMalformedConditionsAtTheirOffset(String condition, int offset, String message) {
        assertThatThrownBy(() -> Expression.parse(condition, Dialect.WHEN))
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.offset()).isEqualTo(offset);
                    assertThat(e.reason()).contains(message);
                });
    }
}
