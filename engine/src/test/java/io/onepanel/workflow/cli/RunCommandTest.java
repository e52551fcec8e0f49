package io.onepanel.workflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.onepanel.workflow.runtime.local.NeedsNamespaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** run: real local processes, a summary for people or JSON for tools, exit codes that tell the outcome. */
@NeedsNamespaces
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RunCommandTest {

    @TempDir
    Path temp;

    private Cli.Outcome run(String... args) {
        String[] all = new String[args.length + 7];
        all[0] = "run";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--artifacts";
        all[args.length + 2] = temp.resolve("artifacts").toString();
        all[args.length + 3] = "--work";
        all[args.length + 4] = temp.resolve("work").toString();
        all[args.length + 5] = "--runs";
        all[args.length + 6] = temp.resolve("runs").toString();
        return Cli.run(all);
    }

    @Test
    void theDiamondRunsLocallyAndEndsWithASummaryTable() {
        Cli.Outcome o = run(Cli.diamond());

        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out()).contains("[A] A", "[D] D");
        assertThat(o.out()).containsPattern("(?m)^A\\s+Succeeded\\s+\\S+\\s+0\\s+result=A$");
        assertThat(o.out()).containsPattern("(?m)^B\\s+Succeeded");
        assertThat(o.out()).containsPattern("(?m)^C\\s+Succeeded");
        assertThat(o.out()).containsPattern("(?m)^D\\s+Succeeded");
        assertThat(o.out()).containsPattern("Workflow dag-diamond-\\w+ Succeeded");
        assertThat(o.out()).doesNotContain("\u001b[");
    }

    @Test
    void aPodStartTimeoutThatIsNoDurationIsRefusedBeforeAnythingRuns() {
        Cli.Outcome o = run(Cli.diamond(), "--kubernetes", "--pod-start-timeout", "soon");

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err()).contains("Invalid value for option '--pod-start-timeout': 'soon' is not a duration; "
                + "expected a number of seconds or text such as 30s, 5m, 1h30m (0 for no bound)");
        assertThat(temp.resolve("runs")).doesNotExist();
    }

    @Test
    void aNodePoolCatalogueChecksTheTemplateBeforeAnythingRuns() throws Exception {
        Path pools = temp.resolve("pools.yaml");
        Files.writeString(pools, "- {name: CPU, labelValue: n1-standard-4}\n"
                + "- {name: GPU, labelValue: p2.xlarge, limits: {nvidia.com/gpu: 1}}\n");
        Path file = temp.resolve("pool.yaml");
        Files.writeString(file, """
                entrypoint: main
                templates:
                - name: main
                  dag: {tasks: [{name: train, template: train}]}
                - name: train
                  nodeSelector: {node.kubernetes.io/instance-type: p3.xlarge}
                  container: {image: alpine, command: [echo, never]}
                """);

        Cli.Outcome o = run(file.toString(), "--node-pools", pools.toString());

        assertThat(o.exitCode()).as(o.out() + o.err()).isEqualTo(2);
        assertThat(o.err()).contains("p3.xlarge").contains("p2.xlarge").doesNotContain("never");
        assertThat(o.out()).doesNotContain("never");
    }

    @Test
    void jsonOutputIsTheResultAloneOnStdout() throws Exception {
        Cli.Outcome o = run(Cli.diamond(), "--output", "json", "--name", "diamond-json");

        assertThat(o.exitCode()).as(o.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(o.out());
        assertThat(doc.get("phase").asText()).isEqualTo("Succeeded");
        assertThat(doc.get("workflowName").asText()).isEqualTo("diamond-json");
        assertThat(doc.get("nodes").findValuesAsText("name")).contains("A", "B", "C", "D");
        assertThat(o.err()).contains("[B] B");
        assertThat(doc.get("progress").asText()).as("Argo's N/M over the four tasks").isEqualTo("4/4");
        for (JsonNode n : doc.get("nodes")) {
            assertThat(n.get("progress").asText()).isEqualTo(n.get("type").asText().equals("POD") ? "1/1" : "4/4");
        }
    }

    @Test
    void aTasksReportedProgressIsALineOfItsOwnAndInTheJson() throws Exception {
        Path file = temp.resolve("progress.yaml");
        Files.writeString(file, """
                entrypoint: main
                templates:
                - name: main
                  dag: {tasks: [{name: count, template: count}]}
                - name: count
                  container: {image: alpine, command: [sh, -c, 'echo 1/4 > "$ARGO_PROGRESS_FILE"; exit 2']}
                """);

        Cli.Outcome o = run(file.toString(), "--output", "json");

        JsonNode doc = new ObjectMapper().readTree(o.out());
        assertThat(o.err()).containsPattern("count +progress 1/4");
        assertThat(doc.get("progress").asText()).isEqualTo("1/4");
    }

    @Test
    void aFailingWorkflowExitsOne() throws Exception {
        Path file = temp.resolve("fails.yaml");
        Files.writeString(file, """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: boom
                      template: fail
                    - name: after
                      dependencies: [boom]
                      template: fail
                - name: fail
                  container:
                    image: alpine
                    command: [sh, -c, "echo going down; exit 3"]
                """);

        Cli.Outcome o = run(file.toString());

        assertThat(o.exitCode()).isEqualTo(1);
        assertThat(o.out()).containsPattern("(?m)^boom\\s+Failed\\s+\\S+\\s+3");
        assertThat(o.out()).containsPattern("Workflow fails-\\w+ Failed|Workflow \\S+ Failed");
    }

    @Test
    void anUnknownParameterIsInvalidInputWithAHintAndNothingRuns() {
        Cli.Outcome o = run(Cli.diamond(), "-p", "mesage=hi");

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err()).contains("mesage", "hint:");
        assertThat(o.out()).doesNotContain("[A]");
        assertThat(temp.resolve("work")).doesNotExist();
    }

    @Test
    void bracesInAParameterUsedInAnArtifactKeyAreALiteralKey() throws Exception {
        Path file = Files.writeString(temp.resolve("key.yaml"), """
                entrypoint: main
                arguments: {parameters: [{name: name}]}
                templates:
                - name: main
                  dag: {tasks: [{name: A, template: a}]}
                - name: a
                  container: {image: alpine, command: [sh, -c, "echo data > /tmp/out.txt"]}
                  outputs:
                    artifacts: [{name: out, path: /tmp/out.txt, s3: {key: "out/{{workflow.parameters.name}}.txt"}}]
                """);

        Cli.Outcome o = run(file.toString(), "-p", "name={{x}}-{{=1+1}}");

        assertThat(o.exitCode()).as(o.err() + o.out()).isZero();
        assertThat(temp.resolve("artifacts/local/out/{{x}}-{{=1+1}}.txt")).hasContent("data");
    }

    @Test
    void aRetryLimitFedByAParameterThatIsNoNumberStopsTheRunAtTheField() throws Exception {
        Path file = Files.writeString(temp.resolve("retry.yaml"), """
                entrypoint: main
                arguments: {parameters: [{name: n, value: "2"}]}
                templates:
                - name: main
                  dag: {tasks: [{name: A, template: a}]}
                - name: a
                  retryStrategy: {limit: "{{workflow.parameters.n}}"}
                  container: {image: alpine, command: [touch, %s]}
                """.formatted(temp.resolve("ran")));

        Cli.Outcome o = run(file.toString(), "-p", "n=2147483648");

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err()).startsWith(file + ":7:26: error: retryStrategy.limit of template 'a' is 2147483648 (from"
                + " workflow parameter 'n' = '2147483648'); at most 2147483647");
        assertThat(temp.resolve("ran")).doesNotExist();
    }

    @Test
    void anOnepanelTemplateFileRunsUnderItsDisplayNameWithANameDerivedFromIt() throws Exception {
        Path file = temp.resolve("nightly.yaml");
        Files.writeString(file, """
                metadata:
                  name: Nightly Training
                  kind: Workflow
                  version: 20240101120000
                  labels: {framework: none}
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    dag: {tasks: [{name: train, template: echo}]}
                  - name: echo
                    container: {image: alpine, command: [echo, "{{workflow.name}}"]}
                """);

        Cli.Outcome text = run(file.toString());
        Cli.Outcome json = run(file.toString(), "--output", "json");

        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).startsWith("Running Nightly Training (" + file + ")")
                .containsPattern("\\[train\\] nightly-training-\\w{5}");
        assertThat(new ObjectMapper().readTree(json.out()).get("displayName").asText()).isEqualTo("Nightly Training");
    }

    @Test
    void aRunNameThatIsNotAKubernetesNameIsRefusedBeforeAnythingRuns() {
        Cli.Outcome traversal = run(Cli.diamond(), "--name", "../escape");
        Cli.Outcome upper = run(Cli.diamond(), "--name", "UPPER case!");

        assertThat(traversal.exitCode()).isEqualTo(2);
        assertThat(traversal.err()).isEqualTo("onepanel-workflow: --name: the run's name '../escape' must be"
                + " lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (RFC 1123)\n");
        assertThat(upper.exitCode()).isEqualTo(2);
        assertThat(traversal.out() + upper.out()).doesNotContain("[A]");
        assertThat(temp.resolve("work")).doesNotExist();
        assertThat(temp.resolve("artifacts")).doesNotExist();
    }

    @Test
    void argsWithoutACommandRunLocallyOnlyWithAnImagesFileMappingTheImage() throws Exception {
        Path file = temp.resolve("args.yaml");
        Files.writeString(file, """
                entrypoint: main
                templates:
                - name: main
                  dag: {tasks: [{name: say, template: say}]}
                - name: say
                  container: {image: "example/say:1.0", args: [hello]}
                """);
        Path images = temp.resolve("images.yaml");
        Files.writeString(images, "\"example/say:*\": [echo, said]\n");

        Cli.Outcome validated = Cli.run("validate", file.toString());
        Cli.Outcome validatedWith = Cli.run("validate", file.toString(), "--images", images.toString());
        Cli.Outcome without = run(file.toString());
        Cli.Outcome with = run(file.toString(), "--images", images.toString());

        assertThat(validated.exitCode()).isZero();
        assertThat(validated.out()).contains(file + ":6:14: warning: the container of template 'say' has args but no"
                + " command: in a container the entrypoint of image example/say:1.0 runs them");
        assertThat(validatedWith.out()).isEqualTo(file + ": valid (0 errors, 0 warnings)\n");
        assertThat(without.exitCode()).isEqualTo(1);
        assertThat(without.out()).contains("args but no command: in a container the entrypoint of image"
                + " example/say:1.0 runs them, which a local run cannot know; give the container a command, or map the"
                + " image to a local command in an images file");
        assertThat(with.exitCode()).as(with.out() + with.err()).isZero();
        assertThat(with.out()).contains("[say] said hello");
    }
}
