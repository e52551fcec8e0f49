package io.onepanel.workflow.pod;

import io.onepanel.workflow.runtime.TaskPhase;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.template.Artifact;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * What the stager reports when it is done: the main container's exit code, its stdout as
 * {@code result}, output parameters and the output artifacts as stored. Written as JSON to the
 * stager's termination message ({@link PodContract#TERMINATION_MESSAGE_PATH}); when that would
 * exceed {@link PodContract#TERMINATION_MESSAGE_LIMIT} bytes, the termination message holds
 * {@code {"inLog":true}} and the report is the stager's last log line, after
 * {@link PodContract#REPORT_LOG_PREFIX}.
 *
 * @param phase SUCCEEDED, FAILED (non-zero exit) or ERROR (staging failed)
 * @param inLog true only in the short termination message that points at the log
 */
public record StagerReport(
        TaskPhase phase,
        Integer exitCode,
        String message,
        String result,
        Map<String, String> outputParameters,
        List<Artifact> outputArtifacts,
        boolean inLog) {

    public StagerReport {
        outputParameters = outputParameters == null ? Map.of() : Map.copyOf(outputParameters);
        outputArtifacts = outputArtifacts == null ? List.of() : List.copyOf(outputArtifacts);
    }

    public static StagerReport error(String message) {
        return new StagerReport(TaskPhase.ERROR, null, message, null, Map.of(), List.of(), false);
    }

    static final StagerReport POINTER_TO_LOG = new StagerReport(null, null, null, null, Map.of(), List.of(), true);

    public TaskResult toTaskResult() {
        return new TaskResult(phase == null ? TaskPhase.ERROR : phase, exitCode, message, result, outputParameters,
                outputArtifacts);
    }

    public String toJson() {
        return ContractJson.write(this);
    }

    public static StagerReport fromJson(String json) {
        return ContractJson.read(json, StagerReport.class);
    }

    /** Whether the JSON fits a termination message. */
    public boolean fitsTerminationMessage() {
        return toJson().getBytes(StandardCharsets.UTF_8).length <= PodContract.TERMINATION_MESSAGE_LIMIT;
    }
}
