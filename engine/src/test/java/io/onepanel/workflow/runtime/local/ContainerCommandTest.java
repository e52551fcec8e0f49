package io.onepanel.workflow.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.onepanel.workflow.pod.ImageEntrypoints;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kubernetes' command, args and env semantics without the image. */
class ContainerCommandTest {

    static ContainerCommand of(ContainerBuilder container, String script) throws LocalRuntimeException {
        return ContainerCommand.of(container.build(), script, Map.of("PATH", "/usr/bin", "KEEP", "base"), "pod-1",
                "ns");
    }

    @Test
    void commandThenArgs() throws Exception {
        assertThat(of(new ContainerBuilder().withCommand("python", "-u").withArgs("train.py", "--epochs=3"), null)
                .argv()).containsExactly("python", "-u", "train.py", "--epochs=3");
    }

    @Test
    void argsAloneNeedTheImagesEntrypointFromTheImagesFile() throws Exception {
        LocalImages images = new LocalImages(new ImageEntrypoints(List.of(
                new ImageEntrypoints.Entry("python:3.*", List.of("python", "-u")),
                new ImageEntrypoints.Entry("alpine*", List.of()))));
        ContainerBuilder python = new ContainerBuilder().withImage("python:3.12").withArgs("train.py");

        assertThat(ContainerCommand.of(python.build(), null, Map.of(), "pod-1", "ns", images).argv())
                .containsExactly("python", "-u", "train.py");
        assertThat(ContainerCommand.of(new ContainerBuilder().withImage("alpine:3.19").withArgs("echo", "hi").build(),
                null, Map.of(), "pod-1", "ns", images).argv()).containsExactly("echo", "hi");
        assertThatThrownBy(() -> of(python, null)).hasMessage("args but no command: in a container the entrypoint"
                + " of image python:3.12 runs them, which a local run cannot know; give the container a command, or"
                + " map the image to a local command in an images file (run --images FILE, a line such as"
                + " '\"python:3.12\": [program]'; [] when the image has no entrypoint)");
    }

    @Test
    void neitherIsTheImagesEntrypointWhichCannotRunHere() {
        assertThatThrownBy(() -> of(new ContainerBuilder().withImage("nginx"), null))
                .hasMessageStartingWith("no command and no args: in a container the entrypoint of image nginx runs,");
        assertThatThrownBy(() -> of(new ContainerBuilder().withImage("python"), "/dev/fd/3"))
                .hasMessageStartingWith("no command and no args:");
    }

    @Test
    void theTaskMayReportItsProgressInAFileOfItsOwnUnlessItsEnvSaysOtherwise() throws Exception {
        assertThat(of(new ContainerBuilder().withCommand("true"), null).environment())
                .containsEntry("ARGO_PROGRESS_FILE", "/tmp/argo-progress");
        assertThat(of(new ContainerBuilder().withCommand("true").withEnv(new EnvVarBuilder()
                .withName("ARGO_PROGRESS_FILE").withValue("/mnt/progress").build()), null).environment())
                .containsEntry("ARGO_PROGRESS_FILE", "/mnt/progress");
    }

    @Test
    void aScriptsSourcePathFollowsTheArgsAsArgoAppendsIt() throws Exception {
        assertThat(of(new ContainerBuilder().withCommand("python").withArgs("-u"), "/dev/fd/3").argv())
                .containsExactly("python", "-u", "/dev/fd/3");
    }

    @Test
    void envIsSetOverTheBaseEnvironmentWithDependentVariablesExpanded() throws Exception {
        ContainerCommand command = of(new ContainerBuilder().withCommand("echo", "$(GREETING)", "$$(GREETING)",
                "$(UNDEFINED)").withEnv(
                new EnvVarBuilder().withName("WHO").withValue("world").build(),
                new EnvVarBuilder().withName("GREETING").withValue("hi $(WHO)").build(),
                new EnvVarBuilder().withName("PATH").withValue("/opt/bin:$(PATH)").build(),
                new EnvVarBuilder().withName("EMPTY").build()), null);

        assertThat(command.argv()).containsExactly("echo", "hi world", "$(GREETING)", "$(UNDEFINED)");
        // Only variables declared earlier in env expand; the base PATH is not one of them.
        assertThat(command.environment()).containsEntry("GREETING", "hi world").containsEntry("KEEP", "base")
                .containsEntry("PATH", "/opt/bin:$(PATH)").containsEntry("EMPTY", "");
    }

    @Test
    void downwardApiNamesResolveAndClusterSourcesAreReportedAndLeftOut() throws Exception {
        ContainerCommand command = of(new ContainerBuilder().withCommand("env").withEnv(
                new EnvVarBuilder().withName("POD").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name")
                        .endFieldRef().endValueFrom().build(),
                new EnvVarBuilder().withName("NS").withNewValueFrom().withNewFieldRef()
                        .withFieldPath("metadata.namespace").endFieldRef().endValueFrom().build(),
                new EnvVarBuilder().withName("IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP")
                        .endFieldRef().endValueFrom().build(),
                new EnvVarBuilder().withName("TOKEN").withNewValueFrom().withNewConfigMapKeyRef().withName("cfg")
                        .withKey("token").endConfigMapKeyRef().endValueFrom().build())
                .addNewEnvFrom().withNewSecretRef().withName("creds").endSecretRef().endEnvFrom(), null);

        assertThat(command.environment()).containsEntry("POD", "pod-1").containsEntry("NS", "ns")
                .doesNotContainKeys("IP", "TOKEN");
        assertThat(command.warnings()).containsExactly(
                "env IP: valueFrom.fieldRef status.podIP cannot be resolved on this machine; the variable is not set",
                "env TOKEN: valueFrom.configMapKeyRef cannot be resolved on this machine; the variable is not set",
                "envFrom secretRef creds cannot be read on this machine; its variables are not set");
    }
}
