package io.onepanel.workflow.expr;

/** What {@link TemplateText#substitute} does with a tag whose variable is not in scope. */
public enum UnresolvedPolicy {
    /**
     * Leave the tag as written. Argo substitutes in passes (workflow globals first, task outputs later), and a tag
     * that is unknown in an early pass is left for a later one.
     */
    KEEP,
    /** Throw {@link UnresolvedVariableException}: this is the last pass and every tag must resolve. */
    FAIL,
    /**
     * The one and only pass over a text, where a name may still be unknown (an output that never came): expressions
     * are evaluated fully, so {@code ??} falls back; a tag whose variable is missing is left as written and
     * reported to the caller, who decides whether that is an error.
     */
    LEAVE
}
