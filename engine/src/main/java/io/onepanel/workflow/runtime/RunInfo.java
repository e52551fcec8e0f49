package io.onepanel.workflow.runtime;

import java.time.Instant;

/** The identity of one workflow run, shared by all its task attempts. */
public record RunInfo(String workflowName, String uid, String namespace, Instant creationTimestamp) {}
