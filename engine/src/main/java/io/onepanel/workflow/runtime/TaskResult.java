package io.onepanel.workflow.runtime;

import io.onepanel.workflow.template.Artifact;
import java.util.List;
import java.util.Map;

/**
 * How an attempt ended and what it produced.
 *
 * @param exitCode the main container's exit code, or null if it never ran
 * @param message why it failed or errored, for people; null on success
 * @param result the main container's stdout as Argo's {@code outputs.result} (trailing newline
 *     trimmed, capped), or null when not captured
 * @param outputParameters values read from {@code valueFrom.path} (or their defaults)
 * @param outputArtifacts the template's output artifacts that were stored, with their final
 *     locations; optional ones that were absent are left out
 */
public record TaskResult(
        TaskPhase phase,
        Integer exitCode,
        String message,
        String result,
        Map<String, String> outputParameters,
        List<Artifact> outputArtifacts) {

    public TaskResult {
        outputParameters = Map.copyOf(outputParameters);
        outputArtifacts = List.copyOf(outputArtifacts);
    }

    public static TaskResult error(String message) {
        return new TaskResult(TaskPhase.ERROR, null, message, null, Map.of(), List.of());
    }

    public static TaskResult failed(Integer exitCode, String message) {
        return new TaskResult(TaskPhase.FAILED, exitCode, message, null, Map.of(), List.of());
    }

    public static TaskResult succeeded(String result, Map<String, String> parameters, List<Artifact> artifacts) {
        return new TaskResult(TaskPhase.SUCCEEDED, 0, null, result, parameters, artifacts);
    }
}
