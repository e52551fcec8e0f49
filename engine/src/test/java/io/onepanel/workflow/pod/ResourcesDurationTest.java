package io.onepanel.workflow.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Argo's resourcesDuration, with the example of its docs/resource-duration.md and its defaults. */
class ResourcesDurationTest {

    private static Container container(Map<String, String> limits, Map<String, String> requests) {
        Map<String, Quantity> l = new TreeMap<>();
        limits.forEach((k, v) -> l.put(k, new Quantity(v)));
        Map<String, Quantity> r = new TreeMap<>();
        requests.forEach((k, v) -> r.put(k, new Quantity(v)));
        return new ContainerBuilder().withName("main").withNewResources().withLimits(l).withRequests(r)
                .endResources().build();
    }

    @Test
    void threeMinutesOfTwoCoresAGibibyteAndAGpu() {
        Map<String, Long> perSecond = ResourcesDuration.perSecond(List.of(container(
                Map.of("cpu", "2000m", "memory", "1Gi", "nvidia.com/gpu", "1"), Map.of())));
        Map<String, Long> used = ResourcesDuration.of(perSecond, 180);
        assertThat(used).containsEntry("cpu", 360L).containsEntry("nvidia.com/gpu", 180L)
                .containsEntry("memory", 1843L); // 3 min * 1Gi / 100Mi = 30.72 min, rounded down
        assertThat(ResourcesDuration.format(used)).isEqualTo("6m*cpu,30m43s*memory,3m*nvidia.com/gpu");
    }

    @Test
    void requestsWinOverLimitsAndNothingSetMeansArgosDefaults() {
        Map<String, Long> perSecond = ResourcesDuration.perSecond(List.of(
                container(Map.of("cpu", "4"), Map.of("cpu", "1")),
                new ContainerBuilder().withName("sidecar").build()));
        assertThat(perSecond).containsEntry("cpu", 1100L).containsEntry("memory", 2000L);
        assertThat(ResourcesDuration.format(ResourcesDuration.of(perSecond, 5))).isEqualTo("5s*cpu,10s*memory");
    }

    @Test
    void durationsAddUpPerResource() {
        Map<String, Long> total = new TreeMap<>(Map.of("cpu", 30L));
        ResourcesDuration.add(total, Map.of("cpu", 40L, "memory", 3_700L));
        assertThat(ResourcesDuration.format(total)).isEqualTo("1m10s*cpu,1h1m40s*memory");
        assertThat(ResourcesDuration.format(Map.of())).isEmpty();
    }
}
