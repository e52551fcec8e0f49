package io.onepanel.workflow.template;

/**
 * Where an output parameter's value comes from: a file in the container ({@code path}), another
 * parameter of a DAG ({@code parameter}), an {@code expression}; {@code defaultValue} when absent.
 */
public record ValueFrom(String path, String parameter, String expression, String defaultValue, String supplied) {}
