package io.onepanel.workflow.template;

/** Inline data written to the artifact's path. */
public record RawSource(String data) {}
