package io.onepanel.workflow.cli;

import io.onepanel.workflow.engine.WorkflowEngine;
import io.onepanel.workflow.pod.GpuResource;
import io.onepanel.workflow.pod.PodConfig;
import io.onepanel.workflow.pod.StagerSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How task pods are made: shared by {@code render} and {@code run --kubernetes}. */
final class PodOptions {

    @Mixin
    NodePoolOptions nodePools;

    @Option(names = "--gpu-resource", paramLabel = "NAME", description = "An extended resource that is a GPU "
            + "(default: nvidia.com/gpu); repeatable.")
    List<String> gpuResources = new ArrayList<>();

    @Option(names = "--stager-image", paramLabel = "IMAGE", description = "The artifact staging container's image "
            + "(default: " + StagerSpec.DEFAULT_IMAGE + ").")
    String stagerImage;

    PodConfig podConfig() throws IOException {
        PodConfig config = PodConfig.defaults();
        if (!gpuResources.isEmpty()) {
            config = config.withGpuResources(gpuResources.stream().map(GpuResource::tainted).toList());
        }
        if (stagerImage != null) {
            config = config.withStager(config.stager().withImage(stagerImage));
        }
        return config.withNodePools(nodePools.catalogue());
    }

    /** The node pool catalogue's placeholder values, and its pod checks when one was given. */
    WorkflowEngine.Builder withChecks(WorkflowEngine.Builder builder, PodConfig config) {
        return nodePools.configure(builder, config);
    }
}
