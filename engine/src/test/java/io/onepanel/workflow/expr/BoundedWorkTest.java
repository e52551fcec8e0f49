package io.onepanel.workflow.expr;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Expressions come from users; none of them may stall or crash the engine. These tests state outcomes, not
 * timings: a pathological input ends with a clear error or a correct answer instead of hanging or overflowing
 * the stack.
 */
class BoundedWorkTest {

    @Test
    void aOneMegabyteExpressionIsRefusedBeforeItIsRead() {
        String huge = "1 + ".repeat(250_000) + "1";

        assertThatThrownBy(() -> Expression.parse(huge, Dialect.EXPR))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("expression is 1000001 characters long; at most 10000 are allowed");
        assertThatThrownBy(() -> Expression.parse(huge.replace('+', '&'), Dialect.WHEN))
                .hasMessageContaining("at most 10000 are allowed");
        assertThatThrownBy(() -> DependsExpression.parse("A && ".repeat(250_000) + "A"))
                .hasMessageContaining("at most 10000 are allowed");
    }

    @Test
    void tenThousandOpeningParenthesesAreRefusedWithAMessageNotAStackOverflow() {
        String deep = "(".repeat(10_000);

        for (Dialect dialect : Dialect.values()) {
            assertThatThrownBy(() -> Expression.parse(deep, dialect))
                    .isInstanceOfSatisfying(ExpressionException.class, e -> {
                        assertThat(e.reason()).isEqualTo("expression nests deeper than 64 levels");
                        assertThat(e.offset()).isLessThan(100);
                    });
        }
        assertThatThrownBy(() -> DependsExpression.parse(deep))
                .hasMessageContaining("depends expression nests deeper than 64 levels");
        assertThatThrownBy(() -> Expression.parse("!".repeat(5_000) + "true", Dialect.EXPR))
                .hasMessageContaining("nests deeper than 64 levels");
        assertThatThrownBy(() -> Expression.parse("2" + " ** 2".repeat(1_000), Dialect.EXPR))
                .hasMessageContaining("nests deeper than 64 levels");
    }

    @Test
    void nestingWithinTheLimitIsFine() {
        String nested = "(".repeat(60) + "true" + ")".repeat(60);

        assertThat(Expression.parse(nested, Dialect.WHEN).evaluate(VariableScope.empty())).isEqualTo(true);
    }

    @Test
    void longFlatChainsAreNotDeepTrees() {
        String chain = "x == y" + " || x == y".repeat(900) + " || a == a";

        assertThat(Expression.parse(chain, Dialect.WHEN).evaluate(VariableScope.empty())).isEqualTo(true);
        assertThat(Expression.parse("1" + " + 1".repeat(2_000), Dialect.EXPR).evaluate(VariableScope.empty()))
                .isEqualTo(2_001L);
    }

    @Test
    void aCatastrophicRegularExpressionFinishesBecauseMatchingIsLinear() {
        String subject = "a".repeat(5_000) + "b";
        VariableScope scope = VariableScope.of(Map.of("inputs.parameters.s", subject));

        assertThat(Expression.parse("inputs.parameters.s matches '^(a+)+$'", Dialect.EXPR).evaluate(scope))
                .isEqualTo(false);
        assertThat(Expression.parse("a".repeat(5_000) + "b =~ '^(a+)+$'", Dialect.WHEN)
                .evaluate(VariableScope.empty())).isEqualTo(false);
    }

    @Test
    void anInvalidRegularExpressionIsAnError() {
        assertThatThrownBy(() -> Expression.parse("'a' matches '(unclosed'", Dialect.EXPR)
                .evaluate(VariableScope.empty()))
                .hasMessageContaining("invalid regular expression '(unclosed'");
    }

    @Test
    void anEvaluationThatTakesMoreStepsThanItsBudgetIsStopped() {
        Expression expression = Expression.parse("[1, 2, 3, 4, 5]", Dialect.EXPR);

        assertThat(expression.evaluate(VariableScope.empty(), 6)).asList().hasSize(5);
        assertThatThrownBy(() -> expression.evaluate(VariableScope.empty(), 5))
                .hasMessageContaining("evaluation took more than 5 steps");
    }

    @Test
    void tenNestedReplacementsThatWouldGrowWithoutEndStopAtTheValueLimit() {
        // 226 characters that asked for gigabytes: every level multiplies the text by sixteen.
        String expression = "replace(".repeat(10) + "'aaaaaaaaaaaaaaaa'" + ", 'a', 'aaaaaaaaaaaaaaaa')".repeat(10);

        assertThatThrownBy(() -> Expression.parse(expression, Dialect.EXPR).evaluate(VariableScope.empty()))
                .isInstanceOfSatisfying(ExpressionException.class, e -> assertThat(e.reason())
                        .startsWith("replace: the result would be ")
                        .endsWith("characters long; at most 4194304 are allowed"));
        String sprig = "sprig.replace('a', 'aaaaaaaaaaaaaaaa', ".repeat(10) + "'aaaaaaaaaaaaaaaa'" + ")".repeat(10);
        assertThatThrownBy(() -> Expression.parse(sprig, Dialect.EXPR).evaluate(VariableScope.empty()))
                .hasMessageContaining("at most 4194304 are allowed");
    }

    @Test
    void aLargeValueUsedManyTimesCannotBeMultipliedPastTheLimits() {
        VariableScope scope = VariableScope.of(Map.of("inputs.parameters.big", "x".repeat(1_000_000)));
        String big = "inputs.parameters.big";

        assertThatThrownBy(() -> Expression.parse((big + " + ").repeat(5) + big, Dialect.EXPR).evaluate(scope))
                .hasMessageContaining("the result of '+' would be larger than 4194304 characters");
        assertThatThrownBy(() -> Expression.parse("toJson([" + (big + ", ").repeat(5) + big + "])", Dialect.EXPR)
                .evaluate(scope))
                .hasMessageContaining("the arguments of toJson() would be larger than 4194304 characters");
        assertThatThrownBy(() -> Expression.parse("join([" + (big + ", ").repeat(5) + big + "], '')", Dialect.EXPR)
                .evaluate(scope))
                .hasMessageContaining("larger than 4194304 characters");
        // Each value within the limit, but together more work than one evaluation may do.
        String many = "len(" + big + " + " + big + " + " + big + ")";
        assertThatThrownBy(() -> Expression.parse((many + " + ").repeat(40) + many, Dialect.EXPR).evaluate(scope))
                .hasMessageContaining("evaluation handled more than 67108864 characters in all");
    }

    @Test
    void aSubstitutionThatWouldInsertTooMuchTextStops() {
        VariableScope scope = VariableScope.of(Map.of("v", "x".repeat(1_000_000)));

        assertThatThrownBy(() -> TemplateText.substitute("{{v}}".repeat(20), scope, UnresolvedPolicy.FAIL))
                .hasMessageContaining("the text would grow beyond 16777216 characters");
        assertThat(TemplateText.substitute("{{v}}".repeat(3), scope, UnresolvedPolicy.FAIL)).hasSize(3_000_000);
    }
}
