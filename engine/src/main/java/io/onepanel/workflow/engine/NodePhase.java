package io.onepanel.workflow.engine;

/** A node's phase, with Argo's names and meanings. */
public enum NodePhase {
    PENDING("Pending"),
    RUNNING("Running"),
    SUCCEEDED("Succeeded"),
    FAILED("Failed"),
    ERROR("Error"),
    /** {@code when} was false. */
    SKIPPED("Skipped"),
    /** {@code depends} could never be satisfied. */
    OMITTED("Omitted");

    private final String argoName;

    NodePhase(String argoName) {
        this.argoName = argoName;
    }

    /** The phase as Argo spells it ({@code {{tasks.A.status}}}, {@code {{workflow.status}}}). */
    public String argoName() {
        return argoName;
    }

    public boolean isDone() {
        return this != PENDING && this != RUNNING;
    }

    public boolean isFailure() {
        return this == FAILED || this == ERROR;
    }
}
