package io.onepanel.workflow.cli;

import io.onepanel.workflow.engine.WorkflowEngine;
import io.onepanel.workflow.pod.GpuResource;
import io.onepanel.workflow.pod.PodChecks;
import io.onepanel.workflow.pod.PodConfig;
import io.onepanel.workflow.pod.StagerSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** How task pods are made: shared by {@code render} and {@code run --kubernetes}. */
final class PodOptions {

    @Option(names = "--node-pools", paramLabel = "FILE", description = "A node pool catalogue: a YAML list of "
            + "{name, labelValue, displayName, limits}; tasks selecting a pool get its limits, unknown pools are "
            + "errors.")
    Path nodePools;

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
        if (nodePools != null) {
            config = config.withNodePools(NodePoolFile.read(nodePools));
        }
        return config;
    }

    /** Adds the pod checks (node pools, quantities) to validation when a catalogue was given. */
    WorkflowEngine.Builder withChecks(WorkflowEngine.Builder builder, PodConfig config) {
        if (nodePools == null) {
            return builder;
        }
        PodChecks checks = new PodChecks(config);
        return builder.check((workflow, template) -> checks.check(template, workflow));
    }
}
