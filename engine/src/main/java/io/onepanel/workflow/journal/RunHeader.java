package io.onepanel.workflow.journal;

import io.onepanel.workflow.runtime.RunInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a journal says once, first: the run's identity and everything needed to run its workflow
 * again as it ran.
 *
 * @param parameters the workflow parameters as the caller gave them (the template's defaults are
 *     not repeated: they are in its text)
 * @param failFast the caller's override of the entrypoint's failFast, or null
 * @param parallelism the caller's cap on running pods, or null
 * @param onepanelConventions whether Onepanel's additions applied when the template was loaded
 * @param settings the caller's own (how it ran the run), given back as written
 * @param retryOf the run this one retries, or null
 */
public record RunHeader(
        String name,
        String uid,
        String namespace,
        Instant created,
        SourceText template,
        List<SourceText> library,
        Map<String, String> parameters,
        Boolean failFast,
        Integer parallelism,
        boolean onepanelConventions,
        Map<String, String> settings,
        String retryOf) {

    public RunHeader {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(template, "template");
        library = List.copyOf(library);
        parameters = Map.copyOf(parameters);
        settings = Map.copyOf(settings);
    }

    public RunInfo info() {
        return new RunInfo(name, uid, namespace, created);
    }
}
