package io.onepanel.workflow.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.artifact.ArtifactRepository;
import io.onepanel.workflow.artifact.CredentialsResolver;
import io.onepanel.workflow.artifact.RoutingArtifactStore;
import io.onepanel.workflow.runtime.RunInfo;
import io.onepanel.workflow.runtime.TaskPhase;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.Inputs;
import io.onepanel.workflow.template.Outputs;
import io.onepanel.workflow.template.Parameter;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.TemplateType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task cannot make the engine read a file outside the task's own files by leaving a symbolic
 * link where an output is declared, at the output's path, above it, or anywhere inside an output
 * directory: the output is refused, named as the task sees it, and nothing of the link's target
 * reaches the result, the message or the artifact repository. A link inside an output directory to
 * a file of that output is stored as that file.
 */
@NeedsNamespaces
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OutputLinksTest {

    private static final String SECRET = "the engine's own secret";

    @TempDir
    Path temp;

    Path secret;
    Path artifacts;
    RoutingArtifactStore store;
    LocalTaskRuntime runtime;
    RunInfo run = Tasks.run("links");

    @BeforeEach
    void start() throws IOException {
        secret = Files.writeString(Files.createDirectories(temp.resolve("host")).resolve("secret.txt"), SECRET);
        artifacts = temp.resolve("artifacts");
        store = RoutingArtifactStore.local(artifacts, ArtifactRepository.onepanel("local"), CredentialsResolver.NONE);
        runtime = new LocalTaskRuntime(temp.resolve("work"), store);
    }

    @AfterEach
    void stop() {
        runtime.close();
        store.close();
    }

    private TaskResult run(String shell, List<Parameter> parameters, List<Artifact> outputs) throws Exception {
        Template template = Tasks.template("t", TemplateType.CONTAINER, Tasks.container("sh", "-c", shell).build(),
                null, Inputs.EMPTY, new Outputs(parameters, outputs), List.of());
        return runtime.start(Tasks.request(run, template, Tasks.workflow(), Duration.ofMinutes(1)),
                new RecordingListener()).result().get();
    }

    private static Parameter parameter(String path) {
        return Tasks.outputParameter("x", path, null);
    }

    private static Artifact output(String path) {
        return Tasks.artifact("out", path, "k/out", false);
    }

    private void assertNothingOfTheSecretLeft(TaskResult result) throws IOException {
        assertThat(result.phase()).isEqualTo(TaskPhase.ERROR);
        assertThat(result.outputParameters()).isEmpty();
        assertThat(result.outputArtifacts()).isEmpty();
        assertThat(result.message()).doesNotContain(SECRET).doesNotContain("PATH=");
        if (Files.exists(artifacts)) {
            try (Stream<Path> files = Files.walk(artifacts)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertThat(Files.readString(f)).as(f.toString()).doesNotContain(SECRET).doesNotContain("PATH=");
                }
            }
        }
    }

    @Test
    void anOutputParameterLinkedToTheEnginesEnvironmentIsRefused() throws Exception {
        TaskResult result = run("ln -s /proc/self/environ /tmp/p", List.of(parameter("/tmp/p")), List.of());

        assertNothingOfTheSecretLeft(result);
        assertThat(result.message()).isEqualTo("output parameter 'x': /tmp/p is a symbolic link (to /proc/self/environ);"
                + " outputs are read inside the task's own files, never through a link");
    }

    @Test
    void anOutputParameterLinkedToAHostFileIsRefused() throws Exception {
        TaskResult result = run("ln -s " + secret + " /tmp/p", List.of(parameter("/tmp/p")), List.of());

        assertNothingOfTheSecretLeft(result);
        assertThat(result.message()).startsWith("output parameter 'x': /tmp/p is a symbolic link (to " + secret + ")");
    }

    @Test
    void anOutputArtifactThatIsALinkIsRefusedAndNothingIsStored() throws Exception {
        TaskResult result = run("ln -s " + secret + " /tmp/q", List.of(), List.of(output("/tmp/q")));

        assertNothingOfTheSecretLeft(result);
        assertThat(result.message()).startsWith("output artifact 'out': /tmp/q is a symbolic link (to " + secret + ")");
    }

    @Test
    void aLinkedDirectoryAboveAnOutputIsRefused() throws Exception {
        TaskResult result = run("ln -s " + secret.getParent() + " /tmp/d",
                List.of(parameter("/tmp/d/secret.txt")), List.of(output("/tmp/d")));

        assertNothingOfTheSecretLeft(result);
        assertThat(result.message())
                .contains("output parameter 'x': /tmp/d is a symbolic link (to " + secret.getParent() + ")")
                .contains("output artifact 'out': /tmp/d is a symbolic link");
    }

    @Test
    void aLinkDeepInsideAnOutputDirectoryThatLeavesItIsRefused() throws Exception {
        String escape = "../".repeat(12) + secret.toString().substring(1);
        TaskResult relative = run("mkdir -p /tmp/out/a/b && echo ok > /tmp/out/ok && ln -s " + escape
                + " /tmp/out/a/b/e", List.of(), List.of(output("/tmp/out")));
        assertNothingOfTheSecretLeft(relative);
        assertThat(relative.message()).isEqualTo("output artifact 'out': /tmp/out: symbolic link 'a/b/e' points"
                + " outside the artifact (to " + escape + "); only relative links to files inside it are stored");

        TaskResult absolute = run("mkdir -p /tmp/out/a && ln -s /proc/self/environ /tmp/out/a/env", List.of(),
                List.of(output("/tmp/out")));
        assertNothingOfTheSecretLeft(absolute);
        assertThat(absolute.message()).contains("symbolic link 'a/env' points outside the artifact");
    }

    @Test
    void aRelativeLinkToAFileOfTheSameOutputIsStoredAsThatFile() throws Exception {
        TaskResult result = run("mkdir -p /tmp/out/models && echo weights > /tmp/out/models/m3.h5"
                + " && ln -s models/m3.h5 /tmp/out/latest.h5", List.of(), List.of(output("/tmp/out")));

        assertThat(result.phase()).as(result.message()).isEqualTo(TaskPhase.SUCCEEDED);
        Path stored = artifacts.resolve("local/k/out");
        assertThat(stored.resolve("latest.h5")).hasContent("weights").isRegularFile();
        assertThat(stored.resolve("models/m3.h5")).hasContent("weights");
    }

    @Test
    void aBinaryOutputParameterSaysWhichByteIsNotText() throws Exception {
        TaskResult result = run("printf 'ok\\377\\376' > /tmp/bin", List.of(parameter("/tmp/bin")), List.of());

        assertThat(result.phase()).isEqualTo(TaskPhase.ERROR);
        assertThat(result.message()).isEqualTo("output parameter 'x': /tmp/bin is not UTF-8 text (byte 0xFF at"
                + " offset 2); an output parameter is text, so write binary data to an output artifact");

        TaskResult nul = run("printf 'a\\000b' > /tmp/nul", List.of(parameter("/tmp/nul")), List.of());
        assertThat(nul.message()).isEqualTo("output parameter 'x': /tmp/nul holds a NUL byte at offset 1; an output"
                + " parameter is text that later commands and environments can carry, so write binary data to an"
                + " output artifact");
    }
}
