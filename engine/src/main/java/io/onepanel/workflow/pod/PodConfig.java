package io.onepanel.workflow.pod;

import java.util.List;

/**
 * How tasks become pods on a given cluster.
 *
 * @param stager the staging container; null when another container fills that role (a Jenkins
 *     agent's {@code jnlp} container, given {@link TaskPod#stagerVolumeMounts()})
 * @param gpuResources the extended resources that are GPUs; default {@code nvidia.com/gpu} with its
 *     taint's toleration
 * @param nodePools Onepanel's node pools; {@link NodePoolCatalogue#NONE} uses selectors as written
 */
public record PodConfig(StagerSpec stager, List<GpuResource> gpuResources, NodePoolCatalogue nodePools) {

    public PodConfig {
        gpuResources = List.copyOf(gpuResources);
        nodePools = nodePools == null ? NodePoolCatalogue.NONE : nodePools;
    }

    public static PodConfig defaults() {
        return new PodConfig(StagerSpec.defaults(), List.of(GpuResource.NVIDIA), NodePoolCatalogue.NONE);
    }

    public PodConfig withStager(StagerSpec newStager) {
        return new PodConfig(newStager, gpuResources, nodePools);
    }

    public PodConfig withGpuResources(List<GpuResource> newGpus) {
        return new PodConfig(stager, newGpus, nodePools);
    }

    public PodConfig withNodePools(NodePoolCatalogue newPools) {
        return new PodConfig(stager, gpuResources, newPools);
    }

    boolean isGpu(String resourceName) {
        return gpuResources.stream().anyMatch(g -> g.name().equals(resourceName));
    }
}
