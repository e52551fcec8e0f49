package io.onepanel.workflow.validate;

import static io.onepanel.workflow.validate.Validation.findings;
import static io.onepanel.workflow.validate.Validation.parameterFindings;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Parameters as Argo and Onepanel declare them, and the values a user gives for a run
 * ({@code -p name=value}): every problem named with the parameter and where it is declared.
 */
class ParameterRulesTest {

    private static String declaring(String parameters) {
        return """
                entrypoint: main
                arguments:
                  parameters:
                """ + parameters.indent(2) + """
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: echo}
                - name: echo
                  container: {image: alpine}
                """;
    }

    @Test
    void aRequiredParameterWithNoValueMustBeGiven() {
        assertThat(parameterFindings(declaring("""
                - name: dataset
                  required: true
                """), Map.of())).containsExactly(
                "4:5: error: workflow parameter 'dataset' has no value; give one with -p dataset=VALUE");
    }

    @Test
    void aRequiredParameterGivenOnTheCommandLineIsFine() {
        assertThat(parameterFindings(declaring("""
                - name: dataset
                  required: true
                """), Map.of("dataset", "coco"))).isEmpty();
    }

    @Test
    void anUnknownParameterOnTheCommandLineIsToldTheClosestName() {
        assertThat(parameterFindings(declaring("""
                - {name: epochs, value: "10"}
                - {name: batch-size, value: "32"}
                """), Map.of("epoch", "5"))).containsExactly("3:3: error: parameter 'epoch' is not declared by the"
                + " workflow; did you mean 'epochs'? (declared: epochs, batch-size)");
    }

    @Test
    void aValueOutsideTheEnumIsAnError() {
        assertThat(parameterFindings(declaring("""
                - name: mode
                  value: train
                  enum: [train, eval]
                """), Map.of("mode", "predict"))).containsExactly(
                "4:5: error: workflow parameter 'mode' is 'predict', not one of [train, eval]");
    }

    @Test
    void aValueThatIsNotOneOfTheOptionsOfASelectIsAnError() {
        assertThat(parameterFindings(declaring("""
                - name: framework
                  value: tensorflow
                  type: select.select
                  options:
                  - {name: TensorFlow, value: tensorflow}
                  - {name: PyTorch, value: pytorch}
                """), Map.of("framework", "jax"))).containsExactly("4:5: error: workflow parameter 'framework' is"
                + " 'jax', which is not one of its options [tensorflow, pytorch]");
    }

    @Test
    void anUnknownOnepanelTypeIsToldTheClosestType() {
        assertThat(findings(declaring("""
                - name: notes
                  value: none
                  type: textarea.text
                """))).containsExactly("6:11: error: parameter 'notes' has type 'textarea.text'; Onepanel knows"
                + " hidden, input.hidden, input.number, input.radio, input.text, select.nodepool, select.select,"
                + " textarea.textarea; did you mean 'textarea.textarea'?");
    }

    @Test
    void anUnknownVisibilityIsToldTheClosestVisibility() {
        assertThat(findings(declaring("""
                - name: token
                  value: x
                  visibility: privat
                """))).containsExactly("6:17: error: parameter 'token' has visibility 'privat'; expected one of"
                + " public, protected, internal, private; did you mean 'private'?");
    }

    @Test
    void aNodePoolSelectTakesItsOptionsFromTheNodePools() {
        assertThat(findings(declaring("""
                - name: sys-node-pool
                  value: default
                  type: select.nodepool
                  options:
                  - {name: CPU, value: default}
                """))).containsExactly("8:5: error: parameter 'sys-node-pool' is a select.nodepool, whose options come"
                + " from the node pools; remove its 'options'");
    }

    @Test
    void duplicateParameterNamesAreAnError() {
        assertThat(findings(declaring("""
                - {name: epochs, value: "10"}
                - {name: epochs, value: "20"}
                """))).containsExactly("5:12: error: parameter 'epochs' appears twice in workflow arguments");
    }

    @Test
    void duplicateInputParameterNamesAreAnError() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: a
                      template: echo
                      arguments:
                        parameters: [{name: msg, value: hi}]
                - name: echo
                  inputs:
                    parameters:
                    - name: msg
                    - name: msg
                  container: {image: alpine}
                """)).containsExactly("14:13: error: parameter 'msg' appears twice in the inputs of template 'echo'");
    }
}
