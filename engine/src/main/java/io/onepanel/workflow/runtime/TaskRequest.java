package io.onepanel.workflow.runtime;

import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.Workflow;
import java.time.Duration;

/**
 * One attempt of a container or script template, fully resolved: every {@code {{...}}} in the
 * template is substituted, input parameters carry their values, input artifacts carry concrete
 * locations ({@code from} resolved) and output artifacts carry the location they go to.
 *
 * @param taskName the node's display name, used to prefix log lines ("B", "fan-out(2:x)")
 * @param podName deterministic, DNS-1123, at most 63 characters; also {@code {{pod.name}}}
 * @param attempt 0 for the first try, then 1, 2, ... ({@code {{retries}}})
 * @param workflow the workflow, for workflow-level pod settings (volumes, claims, node selector)
 * @param timeout how long the attempt may run (deadline or timeout), or null for no limit
 */
public record TaskRequest(
        RunInfo run,
        String taskName,
        String podName,
        int attempt,
        Template template,
        Workflow workflow,
        Duration timeout) {}
