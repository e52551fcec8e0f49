package io.onepanel.workflow.template;

import io.fabric8.kubernetes.api.model.Container;

/** A script template: a container whose {@code command} interprets {@code source}. */
public record ScriptSpec(Container container, String source) {}
