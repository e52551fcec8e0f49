package io.onepanel.workflow.expr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DependsExpressionTest {

    /** The run so far: each task with the one result it ended with. */
    private static DependsContext ended(Map<String, TaskResult> results) {
        return (task, result) -> results.get(task) == result;
    }

    private static boolean evaluate(String depends, Map<String, TaskResult> results) {
        return DependsExpression.parse(depends).evaluate(ended(results));
    }

    @ParameterizedTest
    @EnumSource(TaskResult.class)
    void anOperandWithAResultHoldsExactlyWhenTheTaskEndedThatWay(TaskResult result) {
        String depends = "task-1." + result.argoName();

        assertThat(evaluate(depends, Map.of("task-1", result))).isTrue();
        for (TaskResult other : TaskResult.values()) {
            if (other != result) {
                assertThat(evaluate(depends, Map.of("task-1", other))).as("%s when %s", depends, other).isFalse();
            }
        }
    }

    @ParameterizedTest(name = "bare A when A {0} is {1}")
    @CsvSource({
            "SUCCEEDED, true", "SKIPPED, true", "DAEMONED, true",
            "FAILED, false", "ERRORED, false", "OMITTED, false", "ANY_SUCCEEDED, false", "ALL_FAILED, false"})
    void aBareOperandMeansSucceededSkippedOrDaemoned(TaskResult result, boolean expected) {
        assertThat(evaluate("A", Map.of("A", result))).isEqualTo(expected);
    }

    @Test
    void andBindsTighterThanOr() {
        Map<String, TaskResult> onlyAFailed = Map.of("A", TaskResult.FAILED, "B", TaskResult.SUCCEEDED,
                "C", TaskResult.FAILED);

        assertThat(evaluate("A || B && C", onlyAFailed)).isFalse();
        assertThat(evaluate("(A || B) && C", onlyAFailed)).isFalse();
        assertThat(evaluate("A || B && C", Map.of("A", TaskResult.SUCCEEDED, "B", TaskResult.FAILED,
                "C", TaskResult.FAILED))).isTrue();
        assertThat(evaluate("(A || B) && C", Map.of("A", TaskResult.SUCCEEDED, "B", TaskResult.FAILED,
                "C", TaskResult.FAILED))).isFalse();
    }

    @Test
    void notBindsTightest() {
        assertThat(evaluate("!A.Failed", Map.of("A", TaskResult.SUCCEEDED))).isTrue();
        assertThat(evaluate("!A.Failed", Map.of("A", TaskResult.FAILED))).isFalse();
        assertThat(evaluate("!A.Failed && B", Map.of("A", TaskResult.SUCCEEDED, "B", TaskResult.FAILED))).isFalse();
        assertThat(evaluate("!(A.Failed || B.Failed)", Map.of("A", TaskResult.SUCCEEDED, "B", TaskResult.FAILED)))
                .isFalse();
    }

    @Test
    void evaluatesArgosDocumentedExample() {
        String depends = "(task-2.Succeeded || task-2.Skipped) && !task-3.Failed";

        assertThat(evaluate(depends, Map.of("task-2", TaskResult.SKIPPED, "task-3", TaskResult.SUCCEEDED))).isTrue();
        assertThat(evaluate(depends, Map.of("task-2", TaskResult.SKIPPED, "task-3", TaskResult.FAILED))).isFalse();
    }

    @Test
    void listsItsTasksAndOperandsWithOffsets() {
        DependsExpression depends = DependsExpression.parse("  train-model.Succeeded && (eval_1 || !train-model.Failed)");

        assertThat(depends.tasks()).containsExactly("train-model", "eval_1");
        assertThat(depends.operands()).containsExactly(
                new DependsExpression.Operand("train-model", Optional.of(TaskResult.SUCCEEDED), 2),
                new DependsExpression.Operand("eval_1", Optional.empty(), 28),
                new DependsExpression.Operand("train-model", Optional.of(TaskResult.FAILED), 39));
    }

    @Test
    void rendersACanonicalForm() {
        assertThat(DependsExpression.parse("A||B&&C")).hasToString("A || B && C");
        assertThat(DependsExpression.parse("((A || B)) && !(C.Failed)")).hasToString("(A || B) && !C.Failed");
        assertThat(DependsExpression.parse("A || (B || C)")).hasToString("A || B || C");
        assertThat(DependsExpression.parse("!(A && B)")).hasToString("!(A && B)");
        assertThat(DependsExpression.parse("a-b.AnySucceeded || c.AllFailed"))
                .hasToString("a-b.AnySucceeded || c.AllFailed");
    }

    @Test
    void refusesAnUnknownResultListingTheValidOnes() {
        assertThatThrownBy(() -> DependsExpression.parse("A && B.Succeded"))
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.offset()).isEqualTo(7);
                    assertThat(e.reason()).isEqualTo("unknown task result 'Succeded' for task 'B' (valid results: "
                            + "Succeeded, Failed, Errored, Skipped, Omitted, Daemoned, AnySucceeded, AllFailed)");
                });
        assertThatThrownBy(() -> DependsExpression.parse("A.failed"))
                .hasMessageContaining("did you mean 'Failed'?");
    }

    @ParameterizedTest(name = "{0} fails at {1}: {2}")
    @CsvSource(delimiterString = "=>", quoteCharacter = '`', textBlock = """
            A & B          => 2  => expected '&&', '||' or the end of the expression, found a single '&' (write '&&')
            A ||           => 4  => expected a task name, '!' or '(', found the end of the expression
            (A || B        => 7  => expected ')' to close '(' at offset 0
            A B            => 2  => expected '&&', '||' or the end of the expression, found 'B'
            A.             => 2  => missing task result for task 'A'
            A && #         => 5  => expected a task name, '!' or '(', found '#'
            ``             => 0  => empty depends expression
            """)
    void reportsMalformedInputAtItsOffset(String depends, int offset, String message) {
        assertThatThrownBy(() -> DependsExpression.parse(depends))
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.offset()).isEqualTo(offset);
                    assertThat(e.reason()).contains(message);
                });
    }

    @Test
    void convertsLegacyDependenciesAsArgoDoes() {
        DependsExpression plain = DependsExpression.fromDependencies(List.of("A", "B"), task -> false, task -> false);

        assertThat(plain).hasToString(
                "(A.Succeeded || A.Skipped || A.Daemoned) && (B.Succeeded || B.Skipped || B.Daemoned)");
        assertThat(plain.tasks()).containsExactly("A", "B");
    }

    @Test
    void widensADependencyByItsOwnContinueOn() {
        DependsExpression depends = DependsExpression.fromDependencies(List.of("flaky", "broken", "solid"),
                Set.of("flaky", "broken")::contains, Set.of("broken")::contains);

        assertThat(depends).hasToString("(flaky.Succeeded || flaky.Skipped || flaky.Daemoned || flaky.Failed)"
                + " && (broken.Succeeded || broken.Skipped || broken.Daemoned || broken.Errored || broken.Failed)"
                + " && (solid.Succeeded || solid.Skipped || solid.Daemoned)");
        assertThat(depends.evaluate(ended(Map.of("flaky", TaskResult.FAILED, "broken", TaskResult.ERRORED,
                "solid", TaskResult.SUCCEEDED)))).isTrue();
        assertThat(depends.evaluate(ended(Map.of("flaky", TaskResult.ERRORED, "broken", TaskResult.ERRORED,
                "solid", TaskResult.SUCCEEDED)))).isFalse();
        assertThat(depends.operands()).extracting(DependsExpression.Operand::offset).containsOnly(0, 1, 2);
    }

    @Test
    void expandsBareOperandsOfADependsClauseTheSameWay() {
        DependsExpression depends = DependsExpression.parse("A && !B.Failed")
                .expand(Set.of("A")::contains, task -> false);

        assertThat(depends).hasToString("(A.Succeeded || A.Skipped || A.Daemoned || A.Failed) && !B.Failed");
        assertThat(depends.evaluate(ended(Map.of("A", TaskResult.FAILED, "B", TaskResult.SUCCEEDED)))).isTrue();
        assertThat(DependsExpression.parse("A && !B.Failed")
                .evaluate(ended(Map.of("A", TaskResult.FAILED, "B", TaskResult.SUCCEEDED)))).isFalse();
    }

    @Test
    void aTaskWithoutDependenciesHasNoExpression() {
        assertThatThrownBy(() -> DependsExpression.fromDependencies(List.of(), t -> false, t -> false))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
