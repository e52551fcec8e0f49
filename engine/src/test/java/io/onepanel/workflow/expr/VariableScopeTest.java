package io.onepanel.workflow.expr;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VariableScopeTest {

    @Test
    void looksUpFlatNamesAsTextAndAsValues() {
        VariableScope scope = VariableScope.of(Map.of(
                "inputs.parameters.n", 3,
                "inputs.parameters.rate", 2.0f,
                "item", Map.of("k", List.of(1, "b"))));

        assertThat(scope.lookup("inputs.parameters.n")).contains("3");
        assertThat(scope.value("inputs.parameters.n")).contains(3L);
        assertThat(scope.lookup("inputs.parameters.rate")).contains("2");
        assertThat(scope.lookup("item")).contains("{\"k\":[1,\"b\"]}");
        assertThat(scope.lookup("inputs.parameters.missing")).isEmpty();
    }

    @Test
    void copiesItsMapSoLaterChangesAreNotSeen() {
        Map<String, Object> variables = new java.util.HashMap<>(Map.of("a", "1"));
        VariableScope scope = VariableScope.of(variables);
        variables.put("a", "2");

        assertThat(scope.lookup("a")).contains("1");
    }

    @Test
    void refusesValuesExpressionsCannotUse() {
        assertThatThrownBy(() -> VariableScope.of(Map.of("a", new Object())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported value type java.lang.Object");
        assertThat(VariableScope.of(Map.of("a", new BigDecimal("1.25"))).value("a")).contains(1.25);
    }

    @Test
    void aFrontScopeShadowsItsParentAndBothNamesAreVisible() {
        VariableScope workflow = VariableScope.of(Map.of("workflow.name", "wf", "x", "outer"));
        VariableScope task = VariableScope.of(Map.of("x", "inner")).withParent(workflow);

        assertThat(task.lookup("x")).contains("inner");
        assertThat(task.lookup("workflow.name")).contains("wf");
        assertThat(task.names()).containsExactlyInAnyOrder("x", "workflow.name");
    }

    @Test
    void aScopeThatOnlyAnswersLookupsWorksForTagsAndExpressions() {
        VariableScope lookupsOnly = name -> name.equals("inputs.parameters.x") ? Optional.of("5") : Optional.empty();

        assertThat(TemplateText.substitute("{{inputs.parameters.x}} {{=asInt(inputs.parameters.x) * 2}}",
                lookupsOnly, UnresolvedPolicy.FAIL)).isEqualTo("5 10");
    }
}
