package io.onepanel.workflow.template;

import java.util.List;
import java.util.Optional;

/** What arguments, inputs and outputs have in common: named parameters and named artifacts. */
public interface ParametersAndArtifacts {

    List<Parameter> parameters();

    List<Artifact> artifacts();

    default Optional<Parameter> parameter(String name) {
        return parameters().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    default Optional<Artifact> artifact(String name) {
        return artifacts().stream().filter(a -> a.name().equals(name)).findFirst();
    }
}
