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
 * @param images the entrypoints of images whose containers give args but no command (the pod's
 *     command is the gate, so the entrypoint must be written out in front of the args)
 */
public record PodConfig(StagerSpec stager, List<GpuResource> gpuResources, NodePoolCatalogue nodePools,
        ImageEntrypoints images) {

    public PodConfig {
        gpuResources = List.copyOf(gpuResources);
        nodePools = nodePools == null ? NodePoolCatalogue.NONE : nodePools;
        images = images == null ? ImageEntrypoints.NONE : images;
    }

    public PodConfig(StagerSpec stager, List<GpuResource> gpuResources, NodePoolCatalogue nodePools) {
        this(stager, gpuResources, nodePools, ImageEntrypoints.NONE);
    }

    public static PodConfig defaults() {
        return new PodConfig(StagerSpec.defaults(), List.of(GpuResource.NVIDIA), NodePoolCatalogue.NONE);
    }

    public PodConfig withStager(StagerSpec newStager) {
        return new PodConfig(newStager, gpuResources, nodePools, images);
    }

    public PodConfig withGpuResources(List<GpuResource> newGpus) {
        return new PodConfig(stager, newGpus, nodePools, images);
    }

    public PodConfig withNodePools(NodePoolCatalogue newPools) {
        return new PodConfig(stager, gpuResources, newPools, images);
    }

    public PodConfig withImages(ImageEntrypoints newImages) {
        return new PodConfig(stager, gpuResources, nodePools, newImages);
    }

    /** The container's command as the pod runs it: its own, else its image's entrypoint if mapped, else empty. */
    public List<String> command(io.fabric8.kubernetes.api.model.Container c) {
        if (!c.getCommand().isEmpty()) {
            return c.getCommand();
        }
        return images.entrypoint(c.getImage()).orElse(List.of());
    }

    boolean isGpu(String resourceName) {
        return gpuResources.stream().anyMatch(g -> g.name().equals(resourceName));
    }
}
