package io.onepanel.workflow.pod;

import io.onepanel.workflow.template.Artifact;
import java.util.List;

/**
 * What the stager of one pod does, handed to it as JSON in {@link PodContract#ENV_STAGING_PLAN}.
 * Holds locations and secret names only, never secret values.
 *
 * @param inputs input artifacts with concrete locations; each goes to MAINFS + its path
 * @param outputs output artifacts with the locations they go to
 * @param outputParameters parameters read from files of the main container
 */
public record StagingPlan(List<Artifact> inputs, List<Artifact> outputs, List<OutputParameter> outputParameters) {

    /** An output parameter read from {@code path}; {@code defaultValue} when the file is absent. */
    public record OutputParameter(String name, String path, String defaultValue) {}

    public StagingPlan {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        outputParameters = List.copyOf(outputParameters);
    }

    public String toJson() {
        return ContractJson.write(this);
    }

    public static StagingPlan fromJson(String json) {
        return ContractJson.read(json, StagingPlan.class);
    }
}
