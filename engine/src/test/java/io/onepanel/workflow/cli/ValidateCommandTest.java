package io.onepanel.workflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** validate: every finding with its position, a summary, exit 0 when valid and 2 when not. */
class ValidateCommandTest {

    @TempDir
    Path temp;

    @Test
    void theDiamondIsValid() {
        Cli.Outcome o = Cli.run("validate", Cli.diamond());

        assertThat(o.exitCode()).isZero();
        assertThat(o.out()).contains("dag-diamond.yaml: valid (0 errors");
    }

    @Test
    void aBrokenTemplateIsInvalidAndEveryErrorNamesItsLineAndColumn() throws Exception {
        Path broken = temp.resolve("broken.yaml");
        Files.writeString(broken, """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: A
                      template: ecko
                    - name: B
                      dependencies: [Z]
                      template: echo
                - name: echo
                  container:
                    image: alpine
                    command: [echo, hi]
                """);

        Cli.Outcome o = Cli.run("validate", broken.toString());

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.out()).containsPattern("broken\\.yaml:7:\\d+: error: .*ecko");
        assertThat(o.out()).containsPattern("broken\\.yaml:9:\\d+: error: .*Z");
        assertThat(o.out()).contains("broken.yaml: invalid (2 errors");
    }

    @Test
    void jsonOutputListsTheDiagnostics() throws Exception {
        Path broken = temp.resolve("broken.yaml");
        Files.writeString(broken, "entrypoint: nowhere\ntemplates:\n- name: main\n  container:\n    image: a\n");

        Cli.Outcome o = Cli.run("validate", broken.toString(), "--output", "json");

        assertThat(o.exitCode()).isEqualTo(2);
        JsonNode doc = new ObjectMapper().readTree(o.out());
        assertThat(doc.get("valid").asBoolean()).isFalse();
        assertThat(doc.get("diagnostics").get(0).get("line").asInt()).isPositive();
    }

    @Test
    void aMissingFileIsInvalidInput() {
        Cli.Outcome o = Cli.run("validate", temp.resolve("nope.yaml").toString());

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err()).contains("nope.yaml: no such file");
    }

    @Test
    void anEndlessSpecialFileIsOneLineNamingTheLimit() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/zero")), "a machine with /dev/zero");
        Cli.Outcome o = Cli.run("validate", "/dev/zero");

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err()).isEqualTo("onepanel-workflow: /dev/zero: more than 33554432 bytes (32 MiB), the limit"
                + " for a template; is this the right file?\n");
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"validate", "graph", "run", "render", "stage"}) {
            Cli.Outcome o = Cli.run(command, "--help");
            assertThat(o.exitCode()).as(command).isZero();
            assertThat(o.out()).as(command).contains("Usage: onepanel-workflow " + command);
        }
        assertThat(Cli.run("--help").out()).contains("validate", "graph", "run", "render");
        assertThat(Cli.run("--version").out()).contains("onepanel-workflow");
    }

    @Test
    void aFileThatIsNotUtf8IsReportedAtItsFirstBadByte() throws Exception {
        Path file = temp.resolve("latin1.yaml");
        Files.write(file, "entrypoint: main\ntemplates:\n- name: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));

        Cli.Outcome o = Cli.run("validate", file.toString());

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.out()).startsWith(file + ":3:12: error: byte 0xE9 at byte offset 39 is not UTF-8; a template is"
                + " UTF-8 text (is this a binary file, or text saved in another encoding?) [not-utf8]");
        assertThat(o.out() + o.err()).doesNotContain("Exception");
    }

    @Test
    void aBinaryFileIsReportedAsSuch() throws Exception {
        Path file = temp.resolve("archive.yaml");
        Files.write(file, new byte[] {0x1f, (byte) 0x8b, 0x08, 0x00, 0x00});

        Cli.Outcome o = Cli.run("validate", file.toString());

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.out()).startsWith(file + ":1:2: error: byte 0x8B at byte offset 1 is not UTF-8");
    }

    @Test
    void aLibraryOfWorkflowTemplatesNeedsNoEntrypointOfItsOwn() throws Exception {
        Path library = temp.resolve("shared.yaml");
        Files.writeString(library, """
                apiVersion: argoproj.io/v1alpha1
                kind: WorkflowTemplate
                metadata:
                  name: shared
                spec:
                  templates:
                  - name: hello
                    inputs: {parameters: [{name: who}]}
                    container: {image: alpine, command: [echo, "{{inputs.parameters.who}}"]}
                """);
        Path file = temp.resolve("uses.yaml");
        Files.writeString(file, """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: a
                      templateRef: {name: shared, template: hello}
                      arguments: {parameters: [{name: who, value: me}]}
                """);

        Cli.Outcome o = Cli.run("validate", file.toString(), "--library", library.toString());

        assertThat(o.exitCode()).as(o.out()).isZero();
        assertThat(o.out()).isEqualTo(file + ": valid (0 errors, 0 warnings)\n");
    }

    @Test
    void aLibraryTemplateIsStillCheckedForWhatItIs() throws Exception {
        Path library = temp.resolve("shared.yaml");
        Files.writeString(library, """
                apiVersion: argoproj.io/v1alpha1
                kind: WorkflowTemplate
                metadata:
                  name: shared
                spec:
                  templates:
                  - name: hello
                    container: {image: alpine, resources: {requests: {cpu: lots}}}
                """);
        Path file = temp.resolve("uses.yaml");
        Files.writeString(file, """
                entrypoint: main
                templates:
                - name: main
                  dag: {tasks: [{name: a, templateRef: {name: shared, template: hello}}]}
                """);

        Cli.Outcome o = Cli.run("validate", file.toString(), "--library", library.toString());

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.out()).contains(library + ":8:60: error: ").doesNotContain("missing-entrypoint");
    }

    /** Shaped like Onepanel's db/yaml files: filled by Onepanel when it installs them. */
    private static final String ONEPANEL_FILE = """
            metadata:
              name: "Model Training"
              kind: Workflow
              version: 20240101120000
            spec:
              arguments:
                parameters:
                - {name: sys-node-pool, type: select.nodepool, value: "{{.DefaultNodePoolOption}}", required: true}
              entrypoint: main
              templates:
              - name: main
                dag: {tasks: [{name: train, template: train}]}
              - name: train
                container: {image: python:3.12, command: [python, train.py]}
                nodeSelector:
                  "{{.NodePoolLabel}}": '{{workflow.parameters.sys-node-pool}}'
            """;

    @Test
    void anOnepanelFileIsValidAsShippedAndANodePoolCatalogueFillsItsPlaceholders() throws Exception {
        Path file = temp.resolve("training.yaml");
        Files.writeString(file, ONEPANEL_FILE);
        Path pools = temp.resolve("pools.yaml");
        Files.writeString(pools, """
                label: beta.kubernetes.io/instance-type
                pools:
                - {name: 'CPU: 4, RAM: 16GB', value: Standard_D4s_v3}
                - {name: 'GPU: 1xK80', value: Standard_NC6, resources: {limits: {nvidia.com/gpu: 1}}}
                """);

        Cli.Outcome shipped = Cli.run("validate", file.toString());
        Cli.Outcome configured = Cli.run("validate", file.toString(), "--node-pools", pools.toString());
        Cli.Outcome rendered = Cli.run("render", file.toString(), "--node-pools", pools.toString());

        assertThat(shipped.exitCode()).isZero();
        assertThat(shipped.out()).contains(file + ":8:60: warning: workflow parameter 'sys-node-pool' is"
                + " {{.DefaultNodePoolOption}}").contains("valid (0 errors, 1 warning)");
        assertThat(configured.exitCode()).isZero();
        assertThat(configured.out()).isEqualTo(file + ": valid (0 errors, 0 warnings)\n");
        assertThat(rendered.exitCode()).as(rendered.err()).isZero();
        assertThat(rendered.out()).contains("beta.kubernetes.io/instance-type: \"Standard_D4s_v3\"");
    }

    @Test
    void argsWithoutCommandAreValidForPodsOnceTheImagesFileGivesTheEntrypoint() throws Exception {
        // As Onepanel's hyperparameter-tuning file of 2020-12-25 has it: its image's entrypoint runs the args.
        Path file = temp.resolve("tuning.yaml");
        Files.writeString(file, ONEPANEL_FILE.replace("container: {image: python:3.12, command: [python, train.py]}",
                "container: {image: onepanel/dl:0.17.0, args: [python train.py]}"));
        Path pools = temp.resolve("pools.yaml");
        Files.writeString(pools, "label: beta.kubernetes.io/instance-type\npools: [{name: cpu, value: D4}]\n");
        Path images = temp.resolve("images.yaml");
        Files.writeString(images, "\"onepanel/dl:*\": [sh, -c]\n");

        Cli.Outcome unmapped = Cli.run("validate", file.toString(), "--node-pools", pools.toString());
        Cli.Outcome mapped = Cli.run("validate", file.toString(), "--node-pools", pools.toString(),
                "--images", images.toString());
        Cli.Outcome rendered = Cli.run("render", file.toString(), "--node-pools", pools.toString(),
                "--images", images.toString());

        assertThat(unmapped.exitCode()).isEqualTo(2);
        assertThat(unmapped.out()).contains("error: container of template 'train' has no command",
                "map image onepanel/dl:0.17.0 to its entrypoint in an images file (--images FILE");
        assertThat(mapped.exitCode()).as(mapped.out()).isZero();
        assertThat(mapped.out()).isEqualTo(file + ": valid (0 errors, 0 warnings)\n");
        assertThat(rendered.exitCode()).as(rendered.err()).isZero();
        assertThat(rendered.out()).contains("  - args:\n    - \"sh\"\n    - \"-c\"\n    - \"python train.py\"\n");
    }

    @Test
    void aNodePoolCatalogueWhoseLabelIsNotALabelKeyIsRefusedByName() throws Exception {
        Path file = temp.resolve("training.yaml");
        Files.writeString(file, ONEPANEL_FILE);
        Path pools = temp.resolve("pools.yaml");
        Files.writeString(pools, "label: 'instance type: big'\npools: [{labelValue: a}]\n");

        Cli.Outcome o = Cli.run("validate", file.toString(), "--node-pools", pools.toString());

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err()).isEqualTo("onepanel-workflow: " + pools + ": label: the node pool label 'instance type:"
                + " big' is not a Kubernetes label key such as node.kubernetes.io/instance-type\n");
    }

    @Test
    void aTemplateRefNamedByTheLoopItemResolvesAgainstTheLibrary() throws Exception {
        Path library = temp.resolve("greetings.yaml");
        Files.writeString(library, """
                apiVersion: argoproj.io/v1alpha1
                kind: WorkflowTemplate
                metadata: {name: greetings}
                spec:
                  templates:
                  - {name: hello, container: {image: alpine, command: [echo, hello]}}
                  - {name: bye, container: {image: alpine, command: [echo, bye]}}
                """);
        Path file = temp.resolve("uses.yaml");
        Files.writeString(file, """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, templateRef: {name: greetings, template: "{{item}}"}, withItems: [hello, bye]}
                """);

        Cli.Outcome withLibrary = Cli.run("validate", file.toString(), "--library", library.toString());
        Cli.Outcome without = Cli.run("validate", file.toString());

        assertThat(withLibrary.exitCode()).as(withLibrary.out()).isZero();
        assertThat(without.exitCode()).isEqualTo(2);
        assertThat(without.out()).contains("uses templateRef greetings/{{item}}, whose names are resolved as the task"
                + " runs (for each loop item)").contains("pass their files with --library");
    }
}
