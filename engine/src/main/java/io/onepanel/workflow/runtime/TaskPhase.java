package io.onepanel.workflow.runtime;

/**
 * How one attempt ended, in Argo's terms: FAILED means the main container exited non-zero (or was
 * killed by a deadline or cancel); ERROR means the runtime could not run it as asked (missing input
 * artifact, command not found, API error).
 */
public enum TaskPhase {
    SUCCEEDED,
    FAILED,
    ERROR
}
