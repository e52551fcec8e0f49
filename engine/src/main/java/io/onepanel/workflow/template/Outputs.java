package io.onepanel.workflow.template;

import java.util.List;
import java.util.Optional;

public record Outputs(List<Parameter> parameters, List<Artifact> artifacts) {

    public static final Outputs EMPTY = new Outputs(List.of(), List.of());

    public Outputs {
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
