package io.onepanel.workflow.template;

/** {@code withSequence}: either {@code count} or {@code end}, from {@code start}, printf {@code format}. */
public record Sequence(String count, String start, String end, String format) {}
