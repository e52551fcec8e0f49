package io.onepanel.workflow.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a pod on the test bed does, seen only through the Kubernetes API and the files its command writes. */
@NeedsTestCluster
class TestClusterTest {

    private TestCluster cluster;
    private KubernetesClient client;

    @BeforeEach
    void start() throws Exception {
        cluster = TestCluster.builder().node(TestNode.named("cpu-1")).namespace("ml").build();
        client = cluster.client("ml");
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private Pod await(String name, Predicate<Pod> condition) {
        return client.pods().withName(name).waitUntilCondition(p -> p != null && condition.test(p), 60, TimeUnit.SECONDS);
    }

    private static boolean phase(Pod p, String phase) {
        return p.getStatus() != null && phase.equals(p.getStatus().getPhase());
    }

    private static PodBuilder pod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().withRestartPolicy("Never")
                .endSpec();
    }

    @Test
    void aPodRunsItsCommandWithItsVolumesWorkingDirAndOnlyItsOwnEnvironment(@TempDir Path host) throws Exception {
        client.pods().resource(pod("hello").editSpec()
                .addNewVolume().withName("scratch").withNewEmptyDir().endEmptyDir().endVolume()
                .addNewVolume().withName("out").withNewHostPath().withPath(host.toString()).endHostPath().endVolume()
                .addNewContainer().withName("main").withImage("busybox")
                // As in Kubernetes, $(NAME) of a defined variable is expanded in command and args, and $$ is one $.
                .withCommand("sh", "-c", "echo hello from $(hostname) pid $$$$ in $(pwd); echo $GREETING > /work/g; "
                        + "cp /work/g /out/copied; env | sort > /out/env; echo mine > /tmp/testbed-own-tmp; "
                        + "echo bye >&2; exit 3")
                .withWorkingDir("/work")
                .addNewEnv().withName("GREETING").withValue("hi $(NAME)").endEnv()
                .addNewVolumeMount().withName("scratch").withMountPath("/work").endVolumeMount()
                .addNewVolumeMount().withName("out").withMountPath("/out").endVolumeMount()
                .endContainer().endSpec().build()).create();

        Pod done = await("hello", p -> phase(p, "Failed"));

        ContainerStateTerminated main = done.getStatus().getContainerStatuses().get(0).getState().getTerminated();
        assertThat(main.getExitCode()).isEqualTo(3);
        assertThat(main.getReason()).isEqualTo("Error");
        assertThat(done.getSpec().getNodeName()).isEqualTo("cpu-1");
        assertThat(client.pods().withName("hello").getLog()).isEqualTo("hello from hello pid 1 in /work\nbye\n");
        assertThat(Files.readString(host.resolve("copied"))).isEqualTo("hi $(NAME)\n");
        assertThat(Path.of("/tmp/testbed-own-tmp")).as("the container's /tmp is its own").doesNotExist();
        assertThat(Files.readAllLines(host.resolve("env"))).extracting(l -> l.substring(0, l.indexOf('=')))
                .containsExactlyInAnyOrder("GREETING", "HOME", "HOSTNAME", "PATH", "PWD");
        assertThat(done.getStatus().getConditions()).extracting(PodCondition::getType, PodCondition::getStatus)
                .contains(org.assertj.core.groups.Tuple.tuple("PodScheduled", "True"),
                        org.assertj.core.groups.Tuple.tuple("Ready", "False"));
        assertThat(cluster.events("ml", "hello")).contains("Scheduled: Successfully assigned ml/hello to cpu-1",
                "Started: Started container main");
    }

    @Test
    void aFollowedLogStreamsWhileTheContainerRunsAndEndsWithIt(@TempDir Path host) throws Exception {
        client.pods().resource(pod("talker").editSpec()
                .addNewVolume().withName("in").withNewHostPath().withPath(host.toString()).endHostPath().endVolume()
                .addNewContainer().withName("main").withImage("busybox")
                .withCommand("sh", "-c", "echo one; while [ ! -e /in/go-on ]; do sleep 0.05; done; echo two")
                .addNewVolumeMount().withName("in").withMountPath("/in").endVolumeMount()
                .endContainer().endSpec().build()).create();
        await("talker", p -> phase(p, "Running"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (LogWatch watch = client.pods().withName("talker").watchLog(out)) {
            for (int i = 0; i < 3000 && !out.toString(StandardCharsets.UTF_8).equals("one\n"); i++) {
                Thread.sleep(10);
            }
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("one\n");
            Files.writeString(host.resolve("go-on"), "");
            watch.onClose().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("one\ntwo\n");
    }

    @Test
    void deletionSendsSigtermWaitsAndTheProcessesAreGone(@TempDir Path host) throws Exception {
        client.pods().resource(pod("sleeper").editSpec().withTerminationGracePeriodSeconds(20L)
                .addNewVolume().withName("out").withNewHostPath().withPath(host.toString()).endHostPath().endVolume()
                .addNewContainer().withName("main").withImage("busybox")
                .withCommand("sh", "-c", "trap 'echo TERM > /out/signal; exit 0' TERM; sleep 1000 & wait")
                .addNewVolumeMount().withName("out").withMountPath("/out").endVolumeMount()
                .endContainer().endSpec().build()).create();
        await("sleeper", p -> phase(p, "Running"));

        client.pods().withName("sleeper").delete();
        client.pods().withName("sleeper").waitUntilCondition(p -> p == null, 60, TimeUnit.SECONDS);

        assertThat(Files.readString(host.resolve("signal"))).isEqualTo("TERM\n");
        assertThat(cluster.livingContainers("ml", "sleeper")).isEmpty();
        assertThat(cluster.events("ml", "sleeper")).contains("Killing: Stopping container main");
    }
}
