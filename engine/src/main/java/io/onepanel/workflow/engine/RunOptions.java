package io.onepanel.workflow.engine;

import java.util.Map;

/**
 * How to run a workflow.
 *
 * @param parameters workflow parameters given by the user (override the template's values)
 * @param name the run's name ({@code {{workflow.name}}}); null derives one from the template
 * @param namespace {@code {{workflow.namespace}}}; null means "default"
 * @param failFast overrides the entrypoint DAG's failFast when not null
 * @param parallelism caps running pods for the whole run when not null (the tighter of this and
 *     the template's wins)
 */
public record RunOptions(
        Map<String, String> parameters, String name, String namespace, Boolean failFast, Integer parallelism) {

    public RunOptions {
        parameters = Map.copyOf(parameters);
    }

    public static RunOptions withParameters(Map<String, String> parameters) {
        return new RunOptions(parameters, null, null, null, null);
    }
}
