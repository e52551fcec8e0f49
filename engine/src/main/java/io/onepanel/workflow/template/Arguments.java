package io.onepanel.workflow.template;

import java.util.List;
import java.util.Optional;

/** Parameters and artifacts given to a template or workflow. */
public record Arguments(List<Parameter> parameters, List<Artifact> artifacts) {

    public static final Arguments EMPTY = new Arguments(List.of(), List.of());

    public Arguments {
        parameters = List.copyOf(parameters);
        artifacts = List.copyOf(artifacts);
    }

    public Optional<Parameter> parameter(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public Optional<Artifact> artifact(String name) {
        return artifacts.stream().filter(a -> a.name().equals(name)).findFirst();
    }
}
