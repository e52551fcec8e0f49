package io.onepanel.workflow.cli;

import io.onepanel.workflow.engine.WorkflowEngine;
import io.onepanel.workflow.pod.NodePoolCatalogue;
import io.onepanel.workflow.pod.PodChecks;
import io.onepanel.workflow.pod.PodConfig;
import io.onepanel.workflow.template.InstallValues;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The node pool catalogue ({@code --node-pools}): the limits a task on a pool gets, the check that
 * every selected pool exists, and what Onepanel's {@code {{.NodePoolLabel}}} and
 * {@code {{.DefaultNodePoolOption}}} placeholders are filled with.
 */
final class NodePoolOptions {

    @Option(names = "--node-pools", paramLabel = "FILE", description = "A node pool catalogue: a YAML list of "
            + "{name, labelValue, displayName, limits}, or {label: KEY, pools: [...]}; tasks selecting a pool get "
            + "its limits, unknown pools are errors, and Onepanel's {{.NodePoolLabel}} and {{.DefaultNodePoolOption}} "
            + "become its label key and first pool.")
    Path file;

    NodePoolCatalogue catalogue() throws IOException {
        return file == null ? NodePoolCatalogue.NONE : NodePoolFile.read(file);
    }

    /**
     * What Onepanel's install-time placeholders become: the catalogue's label key and first pool, and
     * s3 (the engine stores artifacts in S3 or in a directory laid out as a bucket).
     */
    static InstallValues installValues(PodConfig config) {
        return config.nodePools().installValues(InstallValues.S3);
    }

    /** The engine with the catalogue's pod checks (pools, quantities) when one was given. */
    WorkflowEngine.Builder configure(WorkflowEngine.Builder builder, PodConfig config) {
        if (file == null) {
            return builder;
        }
        PodChecks checks = new PodChecks(config);
        return builder.check((workflow, template) -> checks.check(template, workflow));
    }
}
