package io.onepanel.workflow.expr;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The expr-lang subset of {@code {{=...}}} tags. */
class ExprExpressionTest {

    private final VariableScope scope = VariableScope.of(Map.of(
            "inputs.parameters.x", "41",
            "inputs.parameters.rate", "0.5",
            "inputs.parameters.my-param", "hyphenated",
            "inputs.parameters.json", "{\"model\": {\"layers\": [64, 128]}, \"name\": \"net\"}",
            "tasks.flip-coin.outputs.result", "heads",
            "workflow.parameters.model-path", "s3://models/resnet",
            "item", Map.of("name", "alpha", "sizes", List.of(1, 2, 3))));

    private Object eval(String expression) {
        return Expression.parse(expression, Dialect.EXPR).evaluate(scope);
    }

    private String rendered(String expression) {
        return ValueText.of(eval(expression));
    }

    @Nested
    class Values {

        @ParameterizedTest(name = "{0} renders as {1}")
        @CsvSource(delimiterString = "=>", quoteCharacter = '`', textBlock = """
                42                               => 42
                4.5                              => 4.5
                1e3                              => 1000
                'single'                         => single
                "double\\tescaped"               => `double\tescaped`
                true                             => true
                [1, 'two', [3]]                  => [1,"two",[3]]
                {b: 1, 'a': [true, nil]}         => {"a":[true,null],"b":1}
                """)
        void literals(String expression, String expected) {
            assertThat(rendered(expression)).isEqualTo(expected);
        }

        @Test
        void integersStayIntegersAndDivisionGivesAFloat() {
            assertThat(eval("7 + 3")).isEqualTo(10L);
            assertThat(eval("7 / 2")).isEqualTo(3.5);
            assertThat(eval("7 % 3")).isEqualTo(1L);
            assertThat(eval("2 ** 10")).isEqualTo(1024.0);
            assertThat(eval("-(3 - 5)")).isEqualTo(2L);
            assertThat(eval("1 + 0.5")).isEqualTo(1.5);
        }

        @Test
        void nilIsAValue() {
            assertThat(eval("nil")).isNull();
            assertThat(eval("nil == nil")).isEqualTo(true);
        }
    }

    @Nested
    class Variables {

        @Test
        void areReachedByDottedPaths() {
            assertThat(eval("inputs.parameters.x")).isEqualTo("41");
            assertThat(eval("item.name")).isEqualTo("alpha");
            assertThat(eval("item.sizes[2]")).isEqualTo(3L);
        }

        @Test
        void withHyphensAreReachedByIndexing() {
            assertThat(eval("inputs.parameters['my-param']")).isEqualTo("hyphenated");
            assertThat(eval("tasks['flip-coin'].outputs.result")).isEqualTo("heads");
            assertThat(eval("workflow.parameters[\"model-path\"]")).isEqualTo("s3://models/resnet");
        }

        @Test
        void aPrefixOfFlatNamesIsAMap() {
            assertThat(eval("inputs.parameters")).isInstanceOf(Map.class);
            assertThat(eval("len(inputs.parameters)")).isEqualTo(4L);
            assertThat(eval("'x' in inputs.parameters")).isEqualTo(true);
            assertThat(eval("tasks['flip-coin']")).isEqualTo(Map.of("outputs", Map.of("result", "heads")));
        }

        @Test
        void aHyphenOutsideBracketsIsAMinus() {
            assertThatThrownBy(() -> eval("inputs.parameters.my-param"))
                    .isInstanceOfSatisfying(UnresolvedVariableException.class,
                            e -> assertThat(e.variable()).isEqualTo("inputs.parameters.my"));
        }

        @Test
        void thatAreMissingAreReportedByNameAndOffset() {
            assertThatThrownBy(() -> eval("1 + asInt(inputs.parameters.epochs)"))
                    .isInstanceOfSatisfying(UnresolvedVariableException.class, e -> {
                        assertThat(e.variable()).isEqualTo("inputs.parameters.epochs");
                        assertThat(e.offset()).isEqualTo(10);
                    });
            assertThatThrownBy(() -> eval("item.colour == 'red'"))
                    .isInstanceOfSatisfying(UnresolvedVariableException.class,
                            e -> assertThat(e.variable()).isEqualTo("item.colour"));
        }

        @Test
        void thatAreMissingCanFallBackWithTheCoalescingOperator() {
            assertThat(eval("inputs.parameters.epochs ?? inputs.parameters.x")).isEqualTo("41");
            assertThat(eval("inputs.parameters.a ?? inputs.parameters.b ?? 'c'")).isEqualTo("c");
            assertThatThrownBy(() -> eval("inputs.parameters.a ?? inputs.parameters.b"))
                    .isInstanceOfSatisfying(UnresolvedVariableException.class,
                            e -> assertThat(e.variable()).isEqualTo("inputs.parameters.b"));
        }
    }

    @Nested
    class Operators {

        @ParameterizedTest(name = "{0} is {1}")
        @CsvSource(delimiterString = "=>", quoteCharacter = '`', textBlock = """
                asInt(inputs.parameters.x) + 1 == 42                              => true
                tasks['flip-coin'].outputs.result == 'heads' ? 'yes' : 'no'       => yes
                1 == 1.0                                                          => true
                '1' == 1                                                          => false
                'abc' < 'abd'                                                     => true
                'heads' matches '^h.a'                                            => true
                'heads' contains 'ead'                                            => true
                'heads' startsWith 'he' and 'heads' endsWith 'ds'                 => true
                not false or false                                                => true
                !true || true && false                                            => false
                2 in [1, 2, 3]                                                    => true
                'z' not in ['a', 'b']                                             => true
                'ab' + 'cd'                                                       => abcd
                [1] + [2]                                                         => [1,2]
                1 + 2 * 3 - 4 / 2                                                 => 5
                2 ** 3 ** 2                                                       => 512
                nil ?? 'fallback'                                                 => fallback
                true ? 1 : false ? 2 : 3                                          => 1
                {'a': {'b': 5}}.a.b                                               => 5
                [10, 20, 30][-1]                                                  => 30
                """)
        void evaluateAsInExprLang(String expression, String expected) {
            assertThat(rendered(expression)).isEqualTo(expected);
        }

        @Test
        void refuseMismatchedTypesSayingWhatWasExpected() {
            assertThatThrownBy(() -> eval("'a' + 1"))
                    .isInstanceOf(ExpressionException.class)
                    .hasMessageContaining("operator '+' needs two numbers or two strings, got a string and an int")
                    .extracting(e -> ((ExpressionException) e).offset()).isEqualTo(4);
            assertThatThrownBy(() -> eval("1 && true"))
                    .hasMessageContaining("operator '&&' needs booleans, got an int");
            assertThatThrownBy(() -> eval("1.5 % 2"))
                    .hasMessageContaining("operator '%' needs two ints, got a float and an int");
            assertThatThrownBy(() -> eval("1 ? 2 : 3"))
                    .hasMessageContaining("the condition before '?' must be a boolean, got an int");
            assertThatThrownBy(() -> eval("1 / 0")).hasMessageContaining("division by zero");
            assertThatThrownBy(() -> eval("9223372036854775807 + 1")).hasMessageContaining("integer overflow");
            assertThatThrownBy(() -> eval("[1, 2][5]")).hasMessageContaining("index 5 out of range");
        }
    }

    @Nested
    class Functions {

        @ParameterizedTest(name = "{0} is {1}")
        @CsvSource(delimiterString = "=>", quoteCharacter = '`', textBlock = """
                asInt('12') + asInt(3.9)                                  => 15
                int(' 7\\n')                                              => 7
                asFloat(inputs.parameters.rate) * 4                       => 2
                float(3)                                                  => 3
                string(12) + '!'                                          => 12!
                len('héllo') + len([1, 2]) + len({a: 1})                  => 8
                toJson({'b': [1, 2.5], 'a': 'x'})                         => {"a":"x","b":[1,2.5]}
                toJSON(item)                                              => {"name":"alpha","sizes":[1,2,3]}
                fromJson('{"a": [1, 2]}').a[1]                            => 2
                jsonpath(inputs.parameters.json, '$.model.layers[0]')     => 64
                jsonpath(inputs.parameters.json, "$['name']")             => net
                upper('abc') + lower('DEF') + trim('  g  ')               => ABCdefg
                trim('--x--', '-')                                        => x
                split('a,b,,c', ',')                                      => ["a","b","","c"]
                join(['a', 'b', 1], '-')                                  => a-b-1
                replace('a.b.c', '.', '/')                                => a/b/c
                sprig.upper('x') + sprig.lower('Y') + sprig.trim(' z ')   => Xyz
                sprig.replace('.', '-', 'a.b')                            => a-b
                sprig.trimPrefix('s3://', workflow.parameters['model-path']) => models/resnet
                sprig.default('d', '') + sprig.default('d', 'given')      => dgiven
                sprig.int('oops') + sprig.int('5')                        => 5
                sprig.join('+', sprig.splitList('/', 'a/b'))              => a+b
                sprig.b64dec(sprig.b64enc('secret-free text'))            => secret-free text
                sprig.sha256sum('hello world')                            => b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9
                """)
        void fromTheAllowList(String expression, String expected) {
            assertThat(rendered(expression)).isEqualTo(expected);
        }

        @Test
        void outsideTheAllowListAreRefusedWhenParsed() {
            assertThatThrownBy(() -> Expression.parse("1 + exec('rm -rf /')", Dialect.EXPR))
                    .isInstanceOfSatisfying(ExpressionException.class, e -> {
                        assertThat(e.offset()).isEqualTo(4);
                        assertThat(e.reason()).startsWith("unknown function 'exec'; allowed functions are asInt, ")
                                .contains("jsonpath", "sprig.upper");
                    });
            assertThatThrownBy(() -> Expression.parse("sprig.env('HOME')", Dialect.EXPR))
                    .hasMessageContaining("unknown function 'sprig.env'");
            assertThatThrownBy(() -> Expression.parse("item.name.getClass()", Dialect.EXPR))
                    .hasMessageContaining("only functions can be called");
        }

        @Test
        void withTheWrongNumberOfArgumentsAreRefusedWhenParsed() {
            assertThatThrownBy(() -> Expression.parse("asInt(1, 2)", Dialect.EXPR))
                    .hasMessageContaining("function 'asInt' takes 1 argument, got 2");
        }

        @Test
        void sayWhatTheyExpected() {
            assertThatThrownBy(() -> eval("asInt('1.5')"))
                    .hasMessageContaining("asInt: cannot convert string '1.5' to an int");
            assertThatThrownBy(() -> eval("upper(1)"))
                    .hasMessageContaining("upper: argument 1 must be a string, got an int");
            assertThatThrownBy(() -> eval("fromJson('{oops')")).hasMessageContaining("invalid JSON");
            assertThatThrownBy(() -> eval("jsonpath(inputs.parameters.json, '$.model.depth')"))
                    .hasMessageContaining("no key 'depth' in a map at $.model");
            assertThatThrownBy(() -> eval("jsonpath(inputs.parameters.json, '$..layers')"))
                    .hasMessageContaining("unsupported jsonpath '$..layers'");
        }
    }

    @ParameterizedTest(name = "{0} fails at {1}: {2}")
    @CsvSource(delimiterString = "=>", quoteCharacter = '`', textBlock = """
            1 +                    => 3  => expected a value, found end of expression
            (1 + 2                 => 6  => expected ')' to close '(' at offset 0
            [1, 2                  => 5  => expected ']' to close '[' at offset 0
            a = 1                  => 2  => did you mean '=='?
            'open                  => 0  => string starting here is not closed
            1 2                    => 2  => expected an operator or the end of the expression, found '2'
            a ? b                  => 5  => expected ':' in a conditional
            x and                  => 5  => expected a value
            and x                  => 0  => expected a value, found operator 'and'
            a.                     => 2  => expected a name after '.'
            {1 + 2: 3}             => 3  => expected ':' after a map key
            ``                     => 0  => empty expression
            """)
    void reportsMalformedExpressionsAtTheirOffset(String expression, int offset, String message) {
        assertThatThrownBy(() -> Expression.parse(expression, Dialect.EXPR))
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.offset()).isEqualTo(offset);
                    assertThat(e.reason()).contains(message);
                });
    }

    @Test
    void anExpressionIsImmutableAndReusable() {
        Expression expression = Expression.parse("asInt(inputs.parameters.x) * 2", Dialect.EXPR);

        assertThat(expression.evaluate(scope)).isEqualTo(82L);
        assertThat(expression.evaluate(VariableScope.of(Map.of("inputs.parameters.x", "1")))).isEqualTo(2L);
        assertThat(expression.text()).isEqualTo("asInt(inputs.parameters.x) * 2");
        assertThat(expression.dialect()).isEqualTo(Dialect.EXPR);
    }
}
