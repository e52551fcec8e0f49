package io.onepanel.workflow.template;

import java.util.List;

public record Outputs(List<Parameter> parameters, List<Artifact> artifacts) implements ParametersAndArtifacts {

    public static final Outputs EMPTY = new Outputs(List.of(), List.of());

    public Outputs {
        parameters = List.copyOf(parameters);
        artifacts = List.copyOf(artifacts);
    }
}
