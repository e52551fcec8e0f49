package io.onepanel.workflow.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
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
    void argsAloneWhenThereIsNoCommand() throws Exception {
        assertThat(of(new ContainerBuilder().withArgs("echo", "hi"), null).argv()).containsExactly("echo", "hi");
    }

    @Test
    void neitherIsTheImagesEntrypointWhichCannotRunHere() {
        assertThatThrownBy(() -> of(new ContainerBuilder().withImage("nginx"), null))
                .hasMessageStartingWith("no command: the local runtime cannot run the image's entrypoint");
        assertThatThrownBy(() -> of(new ContainerBuilder().withImage("python"), "/dev/fd/3"))
                .hasMessageStartingWith("no command:");
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
