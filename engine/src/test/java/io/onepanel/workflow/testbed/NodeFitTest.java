package io.onepanel.workflow.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The scheduler's filters and words, pod by node. */
class NodeFitTest {

    private static final Node CPU = TestNode.named("cpu").withLabel("pool", "cpu").toNode();
    private static final Node GPU = TestNode.named("gpu").withLabel("pool", "gpu").withLabel("gen", "7")
            .withCapacity("nvidia.com/gpu", "2").withTaint("nvidia.com/gpu", "present", "NoSchedule").toNode();

    private static PodSpecBuilder asking(String resource, String quantity) {
        return new PodSpecBuilder().addNewContainer().withName("main").withNewResources()
                .addToLimits(resource, new Quantity(quantity)).endResources().endContainer();
    }

    private static PodSpecBuilder toleratingGpus(PodSpecBuilder b) {
        return b.addNewToleration().withKey("nvidia.com/gpu").withOperator("Exists").withEffect("NoSchedule")
                .endToleration();
    }

    @Test
    void anUntoleratedTaintSpeaksFirstThenSelectorsThenResources() {
        PodSpec gpuPod = asking("nvidia.com/gpu", "1").build();
        assertThat(NodeFit.reasons(gpuPod, GPU, Map.of(), 0)).containsExactly(
                "node(s) had untolerated taint {nvidia.com/gpu: present}");
        assertThat(NodeFit.reasons(gpuPod, CPU, Map.of(), 0)).containsExactly("Insufficient nvidia.com/gpu");
        PodSpec selected = toleratingGpus(asking("nvidia.com/gpu", "1")).addToNodeSelector("pool", "gpu").build();
        assertThat(NodeFit.reasons(selected, CPU, Map.of(), 0)).containsExactly(NodeFit.AFFINITY);
        assertThat(NodeFit.reasons(selected, GPU, Map.of(), 0)).isEmpty();
        assertThat(NodeFit.reasons(selected, GPU, Map.of("nvidia.com/gpu", BigDecimal.valueOf(2)), 1))
                .containsExactly("Insufficient nvidia.com/gpu");
    }

    @Test
    void requestsWinOverLimitsAndInitContainersCountByTheirLargest() {
        PodSpec pod = new PodSpecBuilder()
                .addNewContainer().withName("a").withNewResources().addToRequests("cpu", new Quantity("1500m"))
                .addToLimits("cpu", new Quantity("8")).endResources().endContainer()
                .addNewInitContainer().withName("i").withNewResources().addToLimits("cpu", new Quantity("3"))
                .endResources().endInitContainer()
                .build();
        assertThat(ResourceRequests.ofPod(pod).get("cpu")).isEqualByComparingTo("3");
        assertThat(NodeFit.reasons(pod, CPU, Map.of("cpu", new BigDecimal("1.5")), 1)).containsExactly(
                "Insufficient cpu");
    }

    @Test
    void requiredNodeAffinityTermsAreOredAndTheirExpressionsAnded() {
        PodSpec pod = new PodSpecBuilder().withNewAffinity().withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .addNewNodeSelectorTerm()
                .addNewMatchExpression().withKey("pool").withOperator("In").addToValues("gpu").endMatchExpression()
                .addNewMatchExpression().withKey("gen").withOperator("Gt").addToValues("6").endMatchExpression()
                .endNodeSelectorTerm()
                .addNewNodeSelectorTerm()
                .addNewMatchExpression().withKey("pool").withOperator("DoesNotExist").endMatchExpression()
                .endNodeSelectorTerm()
                .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity()
                .addNewToleration().withOperator("Exists").endToleration()
                .build();
        assertThat(NodeFit.reasons(pod, GPU, Map.of(), 0)).isEmpty();
        assertThat(NodeFit.reasons(pod, CPU, Map.of(), 0)).containsExactly(NodeFit.AFFINITY);
    }

    @Test
    void theMessageCountsNodesPerReasonInKubeSchedulersOrder() {
        Map<String, Integer> reasons = new TreeMap<>(Map.of(NodeFit.AFFINITY, 2, "Insufficient nvidia.com/gpu", 1));
        assertThat(NodeFit.message(3, reasons)).isEqualTo("0/3 nodes are available: 1 Insufficient nvidia.com/gpu, "
                + "2 node(s) didn't match Pod's node affinity/selector.");
    }
}
