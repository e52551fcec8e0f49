package io.onepanel.workflow.template;

import java.util.List;

public record Inputs(List<Parameter> parameters, List<Artifact> artifacts) implements ParametersAndArtifacts {

    public static final Inputs EMPTY = new Inputs(List.of(), List.of());

    public Inputs {
        parameters = List.copyOf(parameters);
        artifacts = List.copyOf(artifacts);
    }
}
