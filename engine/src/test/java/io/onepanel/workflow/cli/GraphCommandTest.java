package io.onepanel.workflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** graph: the entrypoint's DAG as DOT or Mermaid. */
class GraphCommandTest {

    @TempDir
    Path temp;

    @Test
    void theDiamondAsDot() {
        Cli.Outcome o = Cli.run("graph", Cli.diamond(), "--format", "dot");

        assertThat(o.exitCode()).isZero();
        assertThat(o.out()).startsWith("digraph ")
                .contains("t_A -> t_B;", "t_A -> t_C;", "t_B -> t_D;", "t_C -> t_D;");
    }

    @Test
    void theDiamondAsMermaid() {
        Cli.Outcome o = Cli.run("graph", Cli.diamond(), "--format", "mermaid");

        assertThat(o.exitCode()).isZero();
        assertThat(o.out()).startsWith("flowchart TD")
                .contains("t_A(\"A\")", "t_A --> t_B", "t_C --> t_D");
    }

    @Test
    void nestedDagsAreClustersLoopsAreMarkedAndDependsLabelsEdges() throws Exception {
        Path file = temp.resolve("nested.yaml");
        Files.writeString(file, """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: prep
                      template: echo
                    - name: fan
                      template: echo
                      withItems: [1, 2, 3]
                      depends: prep.Succeeded
                    - name: inner
                      template: sub
                      depends: fan
                - name: sub
                  dag:
                    tasks:
                    - name: X
                      template: echo
                    - name: Y
                      template: echo
                      dependencies: [X]
                - name: echo
                  container:
                    image: alpine
                    command: [echo, hi]
                """);

        String dot = Cli.run("graph", file.toString(), "--format", "dot").out();
        String mermaid = Cli.run("graph", file.toString(), "--format", "mermaid").out();

        assertThat(dot).contains("subgraph cluster_t_inner", "t_prep -> t_fan [label=\"Succeeded\"]",
                "t_fan -> t_inner_X", "t_inner_X -> t_inner_Y", "peripheries=2");
        assertThat(mermaid).contains("subgraph t_inner", "t_fan[[\"fan ↻ withItems: 3\"]]",
                "t_prep -->|\"Succeeded\"| t_fan");
    }

    @Test
    void anInvalidTemplateDrawsNothing() throws Exception {
        Path file = temp.resolve("bad.yaml");
        Files.writeString(file, "entrypoint: main\ntemplates: []\n");

        Cli.Outcome o = Cli.run("graph", file.toString());

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.out()).isEmpty();
        assertThat(o.err()).contains("error:");
    }

    @Test
    void anOnepanelTemplateFileIsDrawnUnderItsDisplayName() throws Exception {
        Path file = temp.resolve("nightly.yaml");
        Files.writeString(file, """
                metadata:
                  name: 'Nightly "Big" Training'
                  kind: Workflow
                  version: 20240101120000
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    dag: {tasks: [{name: train, template: echo}]}
                  - name: echo
                    container: {image: alpine, command: [echo, hi]}
                """);

        Cli.Outcome dot = Cli.run("graph", file.toString(), "--format", "dot");
        Cli.Outcome mermaid = Cli.run("graph", file.toString(), "--format", "mermaid");

        assertThat(dot.exitCode()).as(dot.err()).isZero();
        assertThat(dot.out()).startsWith("digraph \"nightly-big-training\" {\n  label=\"Nightly \\\"Big\\\" Training\";");
        assertThat(mermaid.out()).startsWith("---\ntitle: \"Nightly \\\"Big\\\" Training\"\n---\nflowchart TD\n");
    }
}
