package io.onepanel.workflow.template;

/** A reference to a template of another (Cluster)WorkflowTemplate. */
public record TemplateRef(String name, String template, boolean clusterScope) {}
