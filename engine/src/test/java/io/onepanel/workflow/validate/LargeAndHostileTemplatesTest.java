package io.onepanel.workflow.validate;

import static io.onepanel.workflow.validate.Validation.findings;
import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.engine.LoadResult;
import org.junit.jupiter.api.Test;

/** Templates at the edges: very large, or reaching outside what a task may touch. */
class LargeAndHostileTemplatesTest {

    @Test
    void aHundredThousandTaskChainLoadsAndValidatesWithoutFindings() {
        int n = 100_000;
        StringBuilder y = new StringBuilder("""
                entrypoint: main
                templates:
                - name: echo
                  inputs:
                    parameters: [{name: m, default: x}]
                  container: {image: alpine, args: ["{{inputs.parameters.m}}"]}
                - name: main
                  dag:
                    tasks:
                    - {name: t0, template: echo}
                """);
        for (int i = 1; i < n; i++) {
            // Each task reads its predecessor; every thousandth reads the first task, far up the chain.
            String from = i % 1000 == 0 ? "t0" : "t" + (i - 1);
            y.append("    - {name: t").append(i).append(", template: echo, depends: t").append(i - 1)
                    .append(", arguments: {parameters: [{name: m, value: \"{{tasks.").append(from)
                    .append(".outputs.result}}\"}]}}\n");
        }
        LoadResult r = Validation.load(y.toString());
        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.workflow().templates().get("main").dag().tasks()).hasSize(n);
    }

    @Test
    void anArtifactPathThatClimbsOutIsRefused() {
        assertThat(findings(withArtifactPath("/tmp/../etc/passwd"))).containsExactly("12:36: error: input artifact"
                + " 'data' of template 'show': path '/tmp/../etc/passwd' must not contain '..'");
    }

    @Test
    void aRelativeArtifactPathIsRefused() {
        assertThat(findings(withArtifactPath("../x"))).containsExactly("12:36: error: input artifact 'data' of"
                + " template 'show': path '../x' must be absolute (start with /)");
    }

    @Test
    void aPathRelativeToTheWorkingDirectoryIsRefused() {
        assertThat(findings(withArtifactPath("data/in"))).containsExactly("12:36: error: input artifact 'data' of"
                + " template 'show': path 'data/in' must be absolute (start with /)");
    }

    @Test
    void theRootAsAnArtifactPathIsRefused() {
        assertThat(findings(withArtifactPath("/"))).containsExactly("12:36: error: input artifact 'data' of"
                + " template 'show': path '/' would replace the container's whole file system");
    }

    @Test
    void anOutputPathThatClimbsOutIsRefused() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: make}
                - name: make
                  container: {image: alpine}
                  outputs:
                    artifacts:
                    - name: model
                      path: /output/../../root
                """)).containsExactly("12:13: error: output artifact 'model' of template 'make': path"
                + " '/output/../../root' must not contain '..'");
    }

    private static String withArtifactPath(String path) {
        return """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: a
                      template: show
                      arguments:
                        artifacts: [{name: data, raw: {data: hello}}]
                - name: show
                  inputs:
                    artifacts: [{name: data, path: "%s"}]
                  container: {image: alpine}
                """.formatted(path);
    }
}
