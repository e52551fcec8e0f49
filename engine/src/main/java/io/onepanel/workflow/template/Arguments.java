package io.onepanel.workflow.template;

import java.util.List;

/** Parameters and artifacts given to a template or workflow. */
public record Arguments(List<Parameter> parameters, List<Artifact> artifacts) implements ParametersAndArtifacts {

    public static final Arguments EMPTY = new Arguments(List.of(), List.of());

    public Arguments {
        parameters = List.copyOf(parameters);
        artifacts = List.copyOf(artifacts);
    }
}
