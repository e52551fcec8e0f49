package io.onepanel.workflow.diagnostics;

import java.util.Objects;

/**
 * One finding about a template, as a user reads it: {@code file:line:col: error: message}.
 *
 * @param code a stable machine name of the rule (e.g. {@code unknown-template}) for tools and tests
 */
public record Diagnostic(Severity severity, SourcePosition position, String code, String message) {

    public Diagnostic {
        Objects.requireNonNull(severity);
        Objects.requireNonNull(position);
        Objects.requireNonNull(code);
        Objects.requireNonNull(message);
        position = position.withoutLayout();
    }

    public static Diagnostic error(SourcePosition at, String code, String message) {
        return new Diagnostic(Severity.ERROR, at, code, message);
    }

    public static Diagnostic warning(SourcePosition at, String code, String message) {
        return new Diagnostic(Severity.WARNING, at, code, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        return position + ": " + severity.label() + ": " + message + " [" + code + "]";
    }
}
