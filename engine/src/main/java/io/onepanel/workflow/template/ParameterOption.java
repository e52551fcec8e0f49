package io.onepanel.workflow.template;

/** One choice of an Onepanel {@code select.*} or {@code input.radio} parameter. */
public record ParameterOption(String name, String value) {}
