package io.onepanel.workflow.validate;

import static io.onepanel.workflow.validate.Validation.findings;
import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.engine.LoadResult;
import org.junit.jupiter.api.Test;

/** A template with ten different mistakes gets ten diagnostics in one go, in file order. */
class AllAtOnceTest {

    private static final String TEN_MISTAKES = """
            entrypoint: main
            arguments:
              parameters:
              - {name: epochs, value: "10"}
            templates:
            - name: main
              dag:
                tasks:
                - {name: prepare, template: ech0}
                - {name: train, template: train, dependencies: [prepair]}
                - {name: train, template: train}
            - name: train
              retryStrategy: {limit: 2, retryPolicy: Sometimes}
              metadata:
                labels: {team: "ml team"}
              inputs:
                artifacts: [{name: data, path: data}]
              container:
                image: pytorch
                args: ["--epochs={{inputs.parameters.epochs}}"]
                resources:
                  requests: {memory: lots, nvidia.com/gpu: 1}
                imagePullPolcy: Always
            - name: echo
              container: {image: alpine}
            """;

    @Test
    void tenMistakesTenDiagnostics() {
        // In any order: the facade lists the loader's findings before the validator's.
        assertThat(findings(TEN_MISTAKES)).containsExactlyInAnyOrder(
                "9:33: error: template 'ech0' not found; did you mean 'echo'?",
                "10:53: error: task 'train' depends on 'prepair', which is not a task of template 'main'; did you"
                        + " mean 'prepare'?",
                "11:14: error: task 'train' appears twice in template 'main'; first at wf.yaml:10:14",
                "13:42: error: retryPolicy of template 'train' is 'Sometimes'; expected one of Always, OnFailure,"
                        + " OnError, OnTransientError",
                "15:20: error: the labels of template 'train': the value of label 'team' ('ml team') must be letters,"
                        + " digits, '-', '_' and '.', starting and ending with a letter or digit",
                "17:36: error: input artifact 'data' of template 'train': path 'data' must be absolute (start with /)",
                "20:22: error: the container of template 'train': {{inputs.parameters.epochs}} names input parameter"
                        + " 'epochs', which template 'train' does not declare",
                "22:26: error: the container of template 'train' requests: memory 'lots' is not a Kubernetes"
                        + " quantity; expected a number with an optional suffix such as 500m, 2, 1.5, 512Mi, 4Gi",
                "22:48: error: the container of template 'train' requests 1 nvidia.com/gpu without a limit; extended"
                        + " resources such as GPUs cannot be overcommitted, so set limits.nvidia.com/gpu to the same"
                        + " value (or give only the limit)",
                "23:5: warning: unknown field 'imagePullPolcy' in the container of template 'train' (Kubernetes"
                        + " Container); did you mean 'imagePullPolicy'?");
    }

    @Test
    void aWorkflowWithAnErrorIsNotRunnable() {
        LoadResult r = Validation.load(TEN_MISTAKES);
        assertThat(r.hasErrors()).isTrue();
    }
}
