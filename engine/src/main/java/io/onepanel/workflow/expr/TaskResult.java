package io.onepanel.workflow.expr;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The results a {@code depends} operand can name: {@code task.Succeeded} and so on. Argo's names. */
public enum TaskResult {
    /** Finished with no error. */
    SUCCEEDED("Succeeded"),
    /** Exited with a non-zero code. */
    FAILED("Failed"),
    /** Had an error other than a non-zero exit code. */
    ERRORED("Errored"),
    /** Its {@code when} evaluated to false. */
    SKIPPED("Skipped"),
    /** Its {@code depends} evaluated to false. */
    OMITTED("Omitted"),
    /** Is a daemon and is not pending. */
    DAEMONED("Daemoned"),
    /** A task expanded by {@code withItems}/{@code withParam}: at least one of its instances succeeded. */
    ANY_SUCCEEDED("AnySucceeded"),
    /** A task expanded by {@code withItems}/{@code withParam}: it has instances and every one failed. */
    ALL_FAILED("AllFailed");

    private final String argoName;

    TaskResult(String argoName) {
        this.argoName = argoName;
    }

    /** The name as written after the dot in {@code depends}. */
    public String argoName() {
        return argoName;
    }

    public static Optional<TaskResult> named(String argoName) {
        return Arrays.stream(values()).filter(r -> r.argoName.equals(argoName)).findFirst();
    }

    /** "Succeeded, Failed, ..." for error messages. */
    static String allNames() {
        return Arrays.stream(values()).map(TaskResult::argoName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return argoName;
    }
}
