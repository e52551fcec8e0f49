package io.onepanel.workflow.template;

/** A reference to a key of a Kubernetes secret (never the secret itself). */
public record SecretKeyRef(String name, String key) {}
