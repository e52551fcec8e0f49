package io.onepanel.workflow.template;

import static io.onepanel.workflow.validate.Validation.lines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onepanel.workflow.engine.InvalidWorkflowException;
import io.onepanel.workflow.engine.LoadResult;
import io.onepanel.workflow.engine.MemoryArtifactStore;
import io.onepanel.workflow.engine.RunListener;
import io.onepanel.workflow.engine.RunOptions;
import io.onepanel.workflow.engine.ScriptedRuntime;
import io.onepanel.workflow.engine.WorkflowEngine;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Onepanel's own workflow files carry placeholders that Onepanel fills in when it installs them
 * ({@code ReplaceRuntimeVariablesInManifest}): they are filled here from the run's configuration, and
 * every position still names the file as written.
 */
class InstallPlaceholdersTest {

    /** Shaped like Onepanel's db/yaml training files: a node pool parameter, a selector, an S3 input. */
    private static final String TRAINING = """
            metadata:
              name: "Model Training"
              kind: Workflow
              version: 20240101120000
            spec:
              arguments:
                parameters:
                - name: sys-node-pool
                  displayName: Node pool
                  type: select.nodepool
                  value: "{{.DefaultNodePoolOption}}"
                  required: true
              entrypoint: main
              templates:
              - name: main
                dag:
                  tasks:
                  - name: train
                    template: train
              - name: train
                inputs:
                  artifacts:
                  - name: data
                    path: /mnt/data
                    "{{.ArtifactRepositoryType}}":
                      key: datasets/mnist
                container:
                  image: python:3.12
                  command: [python, train.py]
                nodeSelector:
                  "{{.NodePoolLabel}}": '{{workflow.parameters.sys-node-pool}}'
            """;

    private static WorkflowEngine engine(InstallValues values) {
        return WorkflowEngine.builder().runtime(new ScriptedRuntime(r -> ScriptedRuntime.Outcome.ok(0)))
                .artifacts(new MemoryArtifactStore()).installValues(values).build();
    }

    private static LoadResult load(InstallValues values, String yaml) {
        return engine(values).load("training.yaml", yaml);
    }

    private static List<String> findings(InstallValues values, String yaml) {
        return lines(load(values, yaml).diagnostics());
    }

    @Test
    void asShippedTheFileIsValidWithTheInstallersDefaultsAndSaysWhatARunNeeds() {
        LoadResult r = load(InstallValues.INSTALLER_DEFAULTS, TRAINING);
        Template train = r.workflow().templates().get("train");

        assertThat(r.diagnostics()).isEmpty();
        assertThat(train.inputs().artifacts().get(0).s3()).isNotNull();
        assertThat(train.inputs().artifacts().get(0).s3().key()).isEqualTo("datasets/mnist");
        assertThat(train.nodeSelector()).containsOnlyKeys("node.kubernetes.io/instance-type");
        assertThat(lines(engine(InstallValues.INSTALLER_DEFAULTS).validate(r.workflow(), Map.of())))
                .containsExactly("11:15: warning: workflow parameter 'sys-node-pool' is {{.DefaultNodePoolOption}},"
                        + " which Onepanel fills with the first pool of the node pool catalogue (--node-pools FILE;"
                        + " in Jenkins, the node pools of the Onepanel workflows configuration) when it installs"
                        + " this file, and that is not configured; configure it, or give the parameter a value:"
                        + " -p sys-node-pool=VALUE (a run needs it)");
    }

    @Test
    void aRunWithoutACatalogueOrAValueStartsNothingAndSaysWhatWouldFillIt() {
        WorkflowEngine engine = engine(InstallValues.INSTALLER_DEFAULTS);
        LoadResult r = engine.load("training.yaml", TRAINING);

        assertThatThrownBy(() -> engine.start(r.workflow(), RunOptions.withParameters(Map.of()), RunListener.NONE))
                .isInstanceOf(InvalidWorkflowException.class)
                .hasMessageContaining("training.yaml:11:15: error: workflow parameter 'sys-node-pool' is"
                        + " {{.DefaultNodePoolOption}}, which Onepanel fills with the first pool of the node pool"
                        + " catalogue");
        assertThat(lines(engine.validate(r.workflow(), Map.of("sys-node-pool", "Standard_D4s_v3")))).isEmpty();
    }

    @Test
    void aCatalogueFillsTheLabelKeyAndTheDefaultPool() {
        InstallValues cluster = InstallValues.of("s3", "beta.kubernetes.io/instance-type", "Standard_NC6");
        LoadResult r = load(cluster, TRAINING);

        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.workflow().arguments().parameters().get(0).value()).isEqualTo("Standard_NC6");
        assertThat(r.workflow().templates().get("train").nodeSelector())
                .containsEntry("beta.kubernetes.io/instance-type", "{{workflow.parameters.sys-node-pool}}");
        assertThat(lines(engine(cluster).validate(r.workflow(), Map.of()))).isEmpty();
    }

    @Test
    void aFindingAfterAFilledPlaceholderPointsAtTheFileAsWritten() {
        // Line 31 as written: `      "{{.NodePoolLabel}}": '{{workflow.parameters.sys-node-pol}}'`; the tag starts
        // at column 30 there, though the filled key is 14 (or 39) characters longer.
        String typo = TRAINING.replace("sys-node-pool}}'", "sys-node-pol}}'");
        assertThat(findings(InstallValues.INSTALLER_DEFAULTS, typo)).singleElement().asString()
                .startsWith("31:30: error: ");
        assertThat(findings(InstallValues.of("s3", "a.very.long.example.com/node-pool-label", null), typo))
                .singleElement().asString().startsWith("31:30: error: ");
    }

    @Test
    void aFindingInsideTheSameValueAfterAFilledPlaceholderPointsAtTheFileAsWritten() {
        String yaml = TRAINING.replace("command: [python, train.py]",
                "command: [python, \"{{.ArtifactRepositoryType}}-{{.NodePoolLabel}}:{{inputs.parameters.x}}\"]");

        // `{{inputs.parameters.x}}` starts at column 73 of line 29 as written.
        assertThat(findings(InstallValues.INSTALLER_DEFAULTS, yaml)).singleElement().asString()
                .startsWith("29:73: error: the container of template 'train': {{inputs.parameters.x}}");
    }

    @Test
    void aPlaceholderNothingFillsIsAnErrorAtItsPositionNamingWhatOnepanelFills() {
        assertThat(findings(InstallValues.INSTALLER_DEFAULTS,
                TRAINING.replace("key: datasets/mnist", "key: \"{{.Namespace}}/mnist\"")))
                .containsExactly("26:17: error: '{{.Namespace}}' is a Go-template placeholder that nothing fills:"
                        + " when Onepanel installs a template file it fills only {{.ArtifactRepositoryType}},"
                        + " {{.NodePoolLabel}}, {{.DefaultNodePoolOption}}; write the value in place of the"
                        + " placeholder");
    }

    @Test
    void aPlaceholderWrittenWithSpacesIsNotFilledAndSaysSo() {
        assertThat(findings(InstallValues.INSTALLER_DEFAULTS,
                TRAINING.replace("\"{{.NodePoolLabel}}\"", "\"{{ .NodePoolLabel }}\"")))
                .containsExactly("31:8: error: '{{ .NodePoolLabel }}' is not filled: Onepanel replaces only the"
                        + " exact text {{.NodePoolLabel}} (with the node pool label key of the node pool catalogue"
                        + " (the 'label' of --node-pools FILE; in Jenkins, the node pool label key of the Onepanel"
                        + " workflows configuration), by default node.kubernetes.io/instance-type); write it that"
                        + " way, without spaces or dashes");
    }

    @Test
    void theDefaultPoolOutsideAParameterValueNeedsTheCatalogue() {
        String yaml = TRAINING.replace("'{{workflow.parameters.sys-node-pool}}'", "\"{{.DefaultNodePoolOption}}\"");

        assertThat(findings(InstallValues.INSTALLER_DEFAULTS, yaml)).containsExactly("31:30: error:"
                + " '{{.DefaultNodePoolOption}}' is filled with the first pool of the node pool catalogue"
                + " (--node-pools FILE; in Jenkins, the node pools of the Onepanel workflows configuration) when"
                + " Onepanel installs this file, and that is not configured; configure it, or write the value in"
                + " place of the placeholder");
        assertThat(findings(InstallValues.of("s3", null, "Standard_NC6"), yaml)).isEmpty();
    }

    @Test
    void settingsThatYamlCouldReadAsStructureAreRefused() {
        assertThatThrownBy(() -> InstallValues.of("s3", "a: b", null))
                .hasMessage("the node pool label 'a: b' is not a Kubernetes label key such as"
                        + " node.kubernetes.io/instance-type");
        assertThatThrownBy(() -> InstallValues.of("s3", null, "gpu\"\n  x: y"))
                .hasMessageStartingWith("the node pool 'gpu\"\n  x: y' is not a Kubernetes label value");
        assertThatThrownBy(() -> InstallValues.of("s3 ", null, null))
                .hasMessageStartingWith("the artifact repository type 's3 ' is not a repository type");
    }
}
