package io.onepanel.workflow.validate;

import static io.onepanel.workflow.validate.Validation.findings;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the Kubernetes API server would reject, reported at the value before anything runs. */
class KubernetesRulesTest {

    private static String withTemplate(String template) {
        return """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: demo
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    dag:
                      tasks:
                      - {name: a, template: work}
                """ + template.indent(2);
    }

    @Test
    void anInvalidWorkflowNameIsReportedAtTheName() {
        assertThat(findings("""
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: My_Workflow
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    dag:
                      tasks:
                      - {name: a, template: work}
                  - name: work
                    container: {image: alpine}
                """)).containsExactly("4:9: error: workflow name 'My_Workflow' must be lower-case letters, digits,"
                + " '-' and '.', starting and ending with a letter or digit (RFC 1123)");
    }

    @Test
    void anInvalidLabelValueIsReportedAtTheValue() {
        assertThat(findings(withTemplate("""
                - name: work
                  metadata:
                    labels:
                      team: "ml team"
                  container: {image: alpine}
                """))).containsExactly("15:15: error: the labels of template 'work': the value of label 'team'"
                + " ('ml team') must be letters, digits, '-', '_' and '.', starting and ending with a letter or digit");
    }

    @Test
    void anInvalidLabelKeyIsReported() {
        assertThat(findings(withTemplate("""
                - name: work
                  metadata:
                    labels:
                      -team: ml
                  container: {image: alpine}
                """))).containsExactly("15:9: error: the labels of template 'work': label key '-team' must be"
                + " letters, digits, '-', '_' and '.', starting and ending with a letter or digit");
    }

    @Test
    void anInvalidVolumeNameIsReportedAtTheName() {
        assertThat(findings(withTemplate("""
                - name: work
                  volumes:
                  - name: Scratch
                    emptyDir: {}
                  container: {image: alpine}
                """))).containsExactly("14:13: error: volume name 'Scratch' must be lower-case letters, digits and"
                + " '-', starting and ending with a letter or digit (RFC 1123)");
    }

    @Test
    void aResourceQuantityThatDoesNotParseIsReportedAtTheQuantity() {
        assertThat(findings(withTemplate("""
                - name: work
                  container:
                    image: alpine
                    resources:
                      requests: {cpu: 500m, memory: 4 GB}
                """))).containsExactly("16:39: error: the container of template 'work' requests: memory '4 GB' is"
                + " not a Kubernetes quantity; expected a number with an optional suffix such as 500m, 2, 1.5, 512Mi,"
                + " 4Gi");
    }

    @Test
    void aGpuRequestWithoutALimitIsAnError() {
        assertThat(findings(withTemplate("""
                - name: work
                  container:
                    image: alpine
                    resources:
                      requests:
                        nvidia.com/gpu: 1
                """))).containsExactly("17:27: error: the container of template 'work' requests 1 nvidia.com/gpu"
                + " without a limit; extended resources such as GPUs cannot be overcommitted, so set"
                + " limits.nvidia.com/gpu to the same value (or give only the limit)");
    }

    @Test
    void aGpuRequestThatDiffersFromItsLimitIsAnError() {
        assertThat(findings(withTemplate("""
                - name: work
                  container:
                    image: alpine
                    resources:
                      requests: {nvidia.com/gpu: 2}
                      limits: {nvidia.com/gpu: 1}
                """))).containsExactly("16:36: error: the container of template 'work' requests 2 nvidia.com/gpu but"
                + " limits it to 1; for extended resources such as GPUs requests must equal limits");
    }

    @Test
    void aGpuLimitAloneIsFine() {
        assertThat(findings(withTemplate("""
                - name: work
                  container:
                    image: alpine
                    resources:
                      limits: {nvidia.com/gpu: 1, cpu: "2", memory: 8Gi}
                """))).isEmpty();
    }
}
