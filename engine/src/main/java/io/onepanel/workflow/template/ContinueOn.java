package io.onepanel.workflow.template;

/** Whether the DAG goes on as if a task succeeded when it errors or fails. */
public record ContinueOn(boolean error, boolean failed) {
    public static final ContinueOn NEVER = new ContinueOn(false, false);
}
