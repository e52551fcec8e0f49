package io.jenkins.plugins.onepanel.pipeline;

import java.io.Serial;
import jenkins.model.CauseOfInterruption;

/** Why a task's pod block was stopped by the engine, not by a user: failFast, a deadline, the run's cancel. */
final class TaskCancelled extends CauseOfInterruption {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String task;
    private final String reason;

    TaskCancelled(String task, String reason) {
        this.task = task;
        this.reason = reason;
    }

    String reason() {
        return reason;
    }

    @Override
    public String getShortDescription() {
        return "The workflow stopped task " + task + ": " + reason;
    }
}
