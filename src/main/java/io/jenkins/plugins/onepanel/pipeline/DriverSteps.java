package io.jenkins.plugins.onepanel.pipeline;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.util.StreamTaskListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jenkinsci.plugins.structs.describable.DescribableModel;
import org.jenkinsci.plugins.workflow.steps.Step;

/**
 * The driver's operations, as {@code steps.onepanelWorkflow(onepanelDriverStep: 'await', run: ...)}
 * names them (see {@link DriverStep}). The key cannot collide with the step's arguments, which the
 * Snippet Generator and Declarative know from {@link OnepanelWorkflowStep}'s model.
 */
public final class DriverSteps {

    /** The argument that marks a driver operation, and names it. */
    public static final String KEY = "onepanelDriverStep";

    private DriverSteps() {}

    @NonNull
    public static Step of(@NonNull Map<String, Object> arguments) throws Exception {
        String op = String.valueOf(arguments.get(KEY));
        String run = arguments.get("run") == null ? null : String.valueOf(arguments.get("run"));
        String attempt = arguments.get("attempt") == null ? null : String.valueOf(arguments.get("attempt"));
        return switch (op) {
            case "start" -> new StartWorkflowStep(stepArguments(arguments));
            case "await" -> new AwaitTaskStep(required(run, "run"), required(
                    arguments.get("node") == null ? null : String.valueOf(arguments.get("node")), "node"));
            case "run" -> new RunAttemptStep(required(run, "run"), required(attempt, "attempt"));
            case "report" ->
                new ReportAttemptStep(
                        required(run, "run"),
                        required(attempt, "attempt"),
                        (Throwable) arguments.get("failure"),
                        Boolean.TRUE.equals(arguments.get("retry")));
            case "finish" -> new FinishWorkflowStep(required(run, "run"), Boolean.TRUE.equals(arguments.get("cancel")));
            default -> throw new IllegalArgumentException("onepanelWorkflow: unknown driver operation '" + op + "'");
        };
    }

    /**
     * The step's own arguments, as Pipeline would bind them; an argument the step does not have (a
     * typo such as {@code paralelism}) fails the call with its name rather than being dropped.
     */
    private static OnepanelWorkflowStep stepArguments(Map<String, Object> arguments) throws IOException {
        Map<String, Object> stepArguments = new LinkedHashMap<>(arguments);
        stepArguments.remove(KEY);
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        OnepanelWorkflowStep step = DescribableModel.of(OnepanelWorkflowStep.class)
                .instantiate(stepArguments, new StreamTaskListener(warnings, StandardCharsets.UTF_8));
        String unknown = warnings.toString(StandardCharsets.UTF_8).strip();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("onepanelWorkflow: " + unknown);
        }
        return step;
    }

    private static String required(String value, String name) {
        if (value == null) {
            throw new IllegalArgumentException("onepanelWorkflow: the driver operation needs '" + name + "'");
        }
        return value;
    }
}
