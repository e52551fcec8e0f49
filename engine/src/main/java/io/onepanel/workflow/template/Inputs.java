package io.onepanel.workflow.template;

import java.util.List;
import java.util.Optional;

public record Inputs(List<Parameter> parameters, List<Artifact> artifacts) {

    public static final Inputs EMPTY = new Inputs(List.of(), List.of());

    public Inputs {
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
