package io.onepanel.workflow.template;

/** A pause; {@code duration} as Argo writes it ("20s", "5m", or seconds), empty for "until resumed". */
public record SuspendSpec(String duration) {}
