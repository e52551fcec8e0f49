package io.onepanel.workflow.engine;

/** What a node of a run is. */
public enum NodeType {
    /** A DAG template's node; its children are its tasks. */
    DAG,
    /** A looped task ({@code withItems}, {@code withParam}, {@code withSequence}): children are its items. */
    TASK_GROUP,
    /** A task that retries: children are its attempts. */
    RETRIES,
    /** One attempt of a container or script template. */
    POD,
    SUSPEND,
    /** A task whose {@code when} was false or whose {@code depends} failed: never ran. */
    SKIPPED
}
