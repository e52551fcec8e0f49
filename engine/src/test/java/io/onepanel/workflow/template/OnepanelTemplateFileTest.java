package io.onepanel.workflow.template;

import static io.onepanel.workflow.validate.Validation.findings;
import static io.onepanel.workflow.validate.Validation.load;
import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.engine.LoadResult;
import org.junit.jupiter.api.Test;

/**
 * Onepanel's template files: the workflow under {@code spec:}, a display name and Onepanel's own
 * fields under {@code metadata:}. They load as Onepanel loads them.
 */
class OnepanelTemplateFileTest {

    private static final String TRAINING = """
            metadata:
              name: "Nightly Model Training"
              kind: Workflow
              version: 20240101120000
              action: create
              description: "Trains the model every night"
              deprecated: false
              source: "https://example.com/templates/nightly/"
              labels:
                "created-by": "system"
                framework: pytorch
            spec:
              entrypoint: main
              arguments:
                parameters:
                - name: epochs
                  value: '3'
                  displayName: Epochs
                  type: input.number
              templates:
              - name: main
                dag:
                  tasks:
                  - name: train
                    template: train
              - name: train
                container:
                  image: python:3.12
                  command: [python, -c, "print({{workflow.parameters.epochs}})"]
            """;

    @Test
    void theSpecIsTheWorkflowAndNothingIsWarnedAbout() {
        LoadResult r = load(TRAINING);

        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.workflow().entrypoint()).isEqualTo("main");
        assertThat(r.workflow().templates()).containsKeys("main", "train");
        assertThat(r.workflow().arguments().parameters()).extracting(Parameter::name).containsExactly("epochs");
    }

    @Test
    void theDisplayNameIsKeptAndTheNameIsDerivedAsOnepanelDerivesItsUid() {
        Workflow w = load(TRAINING).workflow();

        assertThat(w.displayName()).isEqualTo("Nightly Model Training");
        assertThat(w.title()).isEqualTo("Nightly Model Training");
        assertThat(w.name()).isEqualTo("nightly-model-training");
    }

    @Test
    void labelsAreKept() {
        assertThat(load(TRAINING).workflow().labels())
                .containsEntry("created-by", "system").containsEntry("framework", "pytorch");
    }

    @Test
    void aDisplayNameTooLongForOnepanelIsAnErrorAtTheName() {
        assertThat(findings(TRAINING.replace("Nightly Model Training",
                "Nightly Model Training With Every Augmentation"))).containsExactly("2:9: error: the display name"
                + " 'Nightly Model Training With Every Augmentation' gives the name"
                + " 'nightly-model-training-with-every-augmentation' of 46 characters; Onepanel allows at most 30"
                + " (shorten the display name)");
    }

    @Test
    void anUnknownMetadataFieldIsStillWarnedAbout() {
        assertThat(findings(TRAINING.replace("  action: create", "  acton: create")))
                .containsExactly("5:3: warning: unknown field 'acton' in the metadata of an Onepanel template file;"
                        + " did you mean 'action'?");
    }

    @Test
    void aWorkspaceTemplateGetsOneErrorAndNothingElse() {
        assertThat(findings("""
                metadata:
                  name: Notebook
                  kind: Workspace
                  version: 20240101120000
                spec:
                  containers:
                  - name: lab
                    image: jupyter/base-notebook
                    unknownThing: {{.ArtifactRepositoryType}}
                  ports:
                  - {name: lab, port: 8888, protocol: TCP, targetPort: 8888}
                  routes:
                  - match: [{uri: {prefix: /}}]
                """)).containsExactly("3:9: error: this is an Onepanel Workspace template (metadata.kind: Workspace):"
                + " an interactive environment such as JupyterLab that Onepanel keeps running, not a workflow;"
                + " onepanel-workflow runs workflow templates (metadata.kind: Workflow) only");
    }

    @Test
    void aWorkspaceTemplateWhoseSpecIsNotValidYamlStillGetsOnlyThatError() {
        // Onepanel's own JupyterLab file has an escape SnakeYAML rejects ("\'") inside its spec.
        assertThat(findings("""
                metadata:
                  name: Notebook
                  kind: Workspace
                spec:
                  containers:
                  - name: lab
                    command: ["/bin/bash", "-c", "start.sh --opt='{\\"a\\":\\"\\'self\\'\\"}'"]
                """)).containsExactly("3:9: error: this is an Onepanel Workspace template (metadata.kind: Workspace):"
                + " an interactive environment such as JupyterLab that Onepanel keeps running, not a workflow;"
                + " onepanel-workflow runs workflow templates (metadata.kind: Workflow) only");
    }

    @Test
    void aGoTemplatePlaceholderAsAKeyIsFilledAsOnepanelFillsItWhenItInstallsTheFile() {
        LoadResult r = load(TRAINING.replace("""
                      command: [python, -c, "print({{workflow.parameters.epochs}})"]
                """, """
                      command: [python, -c, "print({{workflow.parameters.epochs}})"]
                    outputs:
                      artifacts:
                      - name: model
                        path: /tmp/model
                        "{{.ArtifactRepositoryType}}":
                          key: models/nightly
                """));

        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.workflow().templates().get("train").outputs().artifacts().get(0).s3().key())
                .isEqualTo("models/nightly");
    }

    @Test
    void aGoTemplatePlaceholderOnepanelWouldNotFillIsReportedWhereItStands() {
        assertThat(findings(TRAINING.replace("value: '3'", "value: 'n{{ .DefaultNodePoolOption }}'")))
                .containsExactly("17:16: error: '{{ .DefaultNodePoolOption }}' is not filled: Onepanel replaces"
                        + " only the exact text {{.DefaultNodePoolOption}} (with the first pool of the node pool"
                        + " catalogue (--node-pools FILE; in Jenkins, the node pools of the Onepanel workflows"
                        + " configuration)); write it that way, without spaces or dashes");
    }

    @Test
    void argoVariablesAreNotPlaceholders() {
        assertThat(findings(TRAINING)).isEmpty(); // {{workflow.parameters.epochs}} is Argo's
    }

    @Test
    void anotherKindIsAClearError() {
        assertThat(findings(TRAINING.replace("kind: Workflow", "kind: Sidecar"))).containsExactly(
                "3:9: error: metadata.kind of this Onepanel template file is 'Sidecar'; expected Workflow (or"
                        + " Workspace, which this tool does not run)");
    }

    @Test
    void argoDocumentsWithMetadataAreNotTakenForOnepanelFiles() {
        LoadResult r = load("""
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: plain
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    dag: {tasks: [{name: a, template: echo}]}
                  - name: echo
                    container: {image: alpine}
                """);

        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.workflow().name()).isEqualTo("plain");
        assertThat(r.workflow().displayName()).isNull();
        assertThat(r.workflow().title()).isEqualTo("plain");
    }
}
