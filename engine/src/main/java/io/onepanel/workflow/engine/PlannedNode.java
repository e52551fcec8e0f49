package io.onepanel.workflow.engine;

/**
 * A child of a node announced by {@link RunListener#planned} before it runs.
 *
 * @param id the id its node will have ({@link NodeStatus#id()})
 * @param name its name for people: the task's name, or the loop item's ("fan(1:b)")
 */
public record PlannedNode(String id, String name) {}
