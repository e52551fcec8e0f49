package io.onepanel.workflow.validate;

import static io.onepanel.workflow.validate.Validation.findings;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Every {@code {{...}}} must name something that can exist where it stands. Each diagnostic
 * points at the column of the tag's opening braces, inside quoted and block values too.
 */
class ReferenceRulesTest {

    @Test
    void anInputParameterTheTemplateDoesNotDeclare() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: a
                      template: echo
                      arguments:
                        parameters: [{name: message, value: hi}]
                - name: echo
                  inputs:
                    parameters: [{name: message}]
                  container:
                    image: alpine
                    args: ["say {{inputs.parameters.mesage}}"]
                """)).containsExactly("15:17: error: the container of template 'echo': {{inputs.parameters.mesage}}"
                + " names input parameter 'mesage', which template 'echo' does not declare; did you mean 'message'?");
    }

    @Test
    void anInputArtifactTheTemplateDoesNotDeclare() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: show}
                - name: show
                  inputs:
                    artifacts: [{name: data, path: /tmp/data}]
                  script:
                    image: alpine
                    command: [sh]
                    source: |
                      ls /tmp
                      cat {{inputs.artifacts.dat.path}}
                """)).containsExactly("15:11: error: the script source of template 'show':"
                + " {{inputs.artifacts.dat.path}} names input artifact 'dat', which template 'show' does not declare;"
                + " did you mean 'data'?");
    }

    @Test
    void aTaskOutputFromATaskThatIsNotAnAncestor() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: echo}
                    - name: b
                      template: echo
                      depends: a
                      arguments:
                        parameters:
                        - {name: msg, value: "{{tasks.c.outputs.result}}"}
                    - {name: c, template: echo, depends: a}
                - name: echo
                  inputs:
                    parameters: [{name: msg, default: hi}]
                  container: {image: alpine}
                """)).containsExactly("12:31: error: argument 'msg' of task 'b': {{tasks.c.outputs.result}} names"
                + " task 'c', which task 'b' does not depend on; add it to its depends so it runs first");
    }

    @Test
    void anAncestorTwoLevelsUpMayBeNamed() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: echo}
                    - {name: b, template: echo, depends: a}
                    - name: c
                      template: echo
                      depends: b
                      arguments:
                        parameters: [{name: msg, value: "{{tasks.a.outputs.result}}"}]
                - name: echo
                  inputs:
                    parameters: [{name: msg, default: hi}]
                  container: {image: alpine}
                """)).isEmpty();
    }

    @Test
    void anOutputParameterTheProducersTemplateDoesNotDeclare() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: gen, template: gen}
                    - name: use
                      template: echo
                      dependencies: [gen]
                      arguments:
                        parameters:
                        - name: msg
                          value: "{{tasks.gen.outputs.parameters.sise}}"
                - name: gen
                  container: {image: alpine}
                  outputs:
                    parameters:
                    - name: size
                      valueFrom: {path: /tmp/size}
                - name: echo
                  inputs:
                    parameters: [{name: msg}]
                  container: {image: alpine}
                """)).containsExactly("13:19: error: argument 'msg' of task 'use': {{tasks.gen.outputs.parameters.sise}}"
                + " names output parameter 'sise' of task 'gen', but template 'gen' declares no such output;"
                + " did you mean 'size'?");
    }

    @Test
    void anOutputArtifactTheProducersTemplateDoesNotDeclare() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: train, template: train}
                    - name: serve
                      template: serve
                      depends: train
                      arguments:
                        artifacts:
                        - name: model
                          from: "{{tasks.train.outputs.artifacts.modle}}"
                - name: train
                  container: {image: alpine}
                  outputs:
                    artifacts: [{name: model, path: /tmp/model}]
                - name: serve
                  inputs:
                    artifacts: [{name: model, path: /tmp/model}]
                  container: {image: alpine}
                """)).containsExactly("13:18: error: artifact argument 'model' of task 'serve':"
                + " {{tasks.train.outputs.artifacts.modle}} names output artifact 'modle' of task 'train', but"
                + " template 'train' declares no such output; did you mean 'model'?");
    }

    @Test
    void theLoopItemOutsideALoop() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: a
                      template: echo
                      arguments:
                        parameters: [{name: msg, value: "{{item}}"}]
                - name: echo
                  inputs:
                    parameters: [{name: msg}]
                  container: {image: alpine}
                """)).containsExactly("9:42: error: argument 'msg' of task 'a': {{item}} is only defined in a task"
                + " with withItems, withParam or withSequence");
    }

    @Test
    void anUndeclaredWorkflowParameterIsToldTheClosestName() {
        assertThat(findings("""
                entrypoint: main
                arguments:
                  parameters: [{name: epochs, value: "10"}]
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: train}
                - name: train
                  container:
                    image: alpine
                    command:
                    - python
                    - train.py
                    - --epochs={{workflow.parameters.epocs}}
                """)).containsExactly("15:16: error: the container of template 'train': {{workflow.parameters.epocs}}"
                + " names a workflow parameter that is not declared in 'arguments'; did you mean 'epochs'?");
    }

    @Test
    void aTagLeftOpenPointsAtItsBraces() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: echo}
                - name: echo
                  container:
                    image: alpine
                    args: ['it''s {{workflow.name']
                """)).containsExactly("10:19: error: the container of template 'echo': '{{' is not closed with '}}'");
    }
}
