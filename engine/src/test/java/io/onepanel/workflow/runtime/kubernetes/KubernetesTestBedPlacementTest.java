package io.onepanel.workflow.runtime.kubernetes;

import static io.onepanel.workflow.runtime.kubernetes.TestBedRuns.NS;
import static io.onepanel.workflow.runtime.kubernetes.TestBedRuns.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.testbed.NeedsTestCluster;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where task pods land on the test bed's nodes (two CPU nodes, one GPU node with two
 * {@code nvidia.com/gpu}, tainted), and what the runtime says when a pod cannot land or start.
 */
@NeedsTestCluster
class KubernetesTestBedPlacementTest {

    /** Long enough for the scheduler and the kubelet to say why on a loaded machine; what is asserted is the why. */
    static final Duration START_BOUND = Duration.ofSeconds(10);
    static TestBedRuns bed;

    @BeforeAll
    static void start() throws Exception {
        bed = new TestBedRuns(c -> c.withPodStartTimeout(START_BOUND));
    }

    @AfterAll
    static void stop() throws Exception {
        if (bed != null) {
            bed.close();
        }
    }

    private static String gpuTask(int gpus) {
        return """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: train, template: train}
                - name: train
                  nodeSelector: {beta.kubernetes.io/instance-type: Standard_NC6}
                  container:
                    image: tensorflow/tensorflow:2.3.0-gpu
                    command: [sh, -c, "echo training on $NODE"]
                    env: [{name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}]
                    resources: {limits: {nvidia.com/gpu: %d}}
                """.formatted(gpus);
    }

    @Test
    void aTaskAskingForAGpuRunsOnTheGpuNode() throws Exception {
        RunResult result = bed.run("gpu", gpuTask(1));

        assertThat(result.phase()).as(result.message()).isEqualTo(NodePhase.SUCCEEDED);
        NodeStatus train = node(result, "train");
        assertThat(train.result()).isEqualTo("training on gpu-1");
        assertThat(bed.cluster.events(NS, train.podName())).contains(
                "Scheduled: Successfully assigned ml/" + train.podName() + " to gpu-1");
    }

    @Test
    void aTaskAskingForMoreGpusThanAnyNodeHasIsAnErrorWithTheSchedulersReasonWithinThePodStartTimeout() throws Exception {
        RunResult result = bed.run("too-many-gpus", gpuTask(4));

        NodeStatus train = node(result, "train");
        assertThat(train.phase()).isEqualTo(NodePhase.ERROR);
        assertThat(train.message()).isEqualTo("the pod did not start within 10s: no node can take it (Unschedulable): "
                + "0/3 nodes are available: 1 Insufficient nvidia.com/gpu, 2 node(s) didn't match Pod's node "
                + "affinity/selector.");
        assertThat(bed.statuses).contains("too-many-gpus/train: waiting for a node (Unschedulable): 0/3 nodes are available: "
                + "1 Insufficient nvidia.com/gpu, 2 node(s) didn't match Pod's node affinity/selector.");
        assertThat(bed.cluster.events(NS, train.podName())).contains("FailedScheduling: 0/3 nodes are available: "
                + "1 Insufficient nvidia.com/gpu, 2 node(s) didn't match Pod's node affinity/selector.");
        assertThat(bed.client.pods().withName(train.podName()).get()).as("deleted").isNull();
    }

    @Test
    void aPodWhoseClaimDoesNotExistIsAnErrorWithTheKubeletsFailedMountWithinThePodStartTimeout() throws Exception {
        RunResult result = bed.run("no-claim", """
                entrypoint: main
                volumes: [{name: data, persistentVolumeClaim: {claimName: missing}}]
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: load, template: load}
                - name: load
                  container:
                    image: alpine
                    command: [ls, /mnt/data]
                    volumeMounts: [{name: data, mountPath: /mnt/data}]
                """);

        NodeStatus load = node(result, "load");
        assertThat(load.phase()).isEqualTo(NodePhase.ERROR);
        assertThat(load.message()).isEqualTo("the pod did not start within 10s: it is on node cpu-1, its containers "
                + "wait: ContainerCreating (main, stager); events: FailedMount: MountVolume.SetUp failed for volume "
                + "\"data\" : persistentvolumeclaim \"missing\" not found");
        assertThat(bed.client.pods().withName(load.podName()).get()).as("deleted").isNull();
    }

    @Test
    void anImageThatCannotBePulledIsAnErrorNamingIt() throws Exception {
        RunResult result = bed.run("typo", """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: hello, template: hello}
                - name: hello
                  container: {image: alpine-typo:3.7, command: [echo, hello]}
                """);

        NodeStatus hello = node(result, "hello");
        assertThat(hello.phase()).isEqualTo(NodePhase.ERROR);
        assertThat(hello.message()).startsWith("container 'main': image 'alpine-typo:3.7' could not be pulled "
                + "(ImagePullBackOff)");
    }
}
