package io.jenkins.plugins.onepanel.pipeline;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import jenkins.model.CauseOfInterruption;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.support.steps.AgentErrorCondition;

/**
 * How the body of one attempt ({@code podTemplate { node { run } }}) ended, which decides
 * whether the attempt is reported to the engine and the branch goes on, or the branch fails too.
 *
 * <p>Agent pods end in ways Pipeline reports as a {@link FlowInterruptedException}: the agent removed
 * (the Kubernetes plugin's Reaper after an eviction, an OOM kill or a lost node: {@code
 * RemovedNodeCause}), the queue item cancelled ({@code ImagePullBackOff}: {@code QueueTaskCancelled}),
 * or a closed channel. Those are failures of the attempt, recognised exactly as workflow-durable-task-step's
 * {@link AgentErrorCondition} recognises them for {@code retry(conditions: [agent()])} (its {@code
 * Retryable} causes, closed channels, a missing agent, workspace or launcher). The engine then decides
 * about retries and failFast. Any other interruption is a stop of the build, or of a block around
 * the step such as {@code timeout}, and fails the branch.
 */
enum AttemptEnd {
    /** The body ended normally. */
    COMPLETED,
    /** The engine stopped the attempt itself (failFast, a deadline, the run's cancel): {@link TaskCancelled}. */
    CANCELLED_BY_ENGINE,
    /** The pod or its agent went away; an Error of the attempt. */
    AGENT_LOST,
    /** The build (or a block around the step) was stopped. */
    BUILD_STOPPED,
    /** Any other failure of the body (the pod template refused, say); an Error of the attempt. */
    FAILED;

    private static final Logger LOGGER = Logger.getLogger(AttemptEnd.class.getName());

    /**
     * @param cancelledByEngine whether the engine had asked the attempt to stop: then whatever ended
     *     the body (our own {@link TaskCancelled}, or the queue item of a pod that was never scheduled,
     *     withdrawn) is that cancel
     */
    static AttemptEnd classify(
            @CheckForNull Throwable failure, @CheckForNull StepContext context, boolean cancelledByEngine) {
        if (failure == null) {
            return COMPLETED;
        }
        if (engineCancellation(failure) != null || cancelledByEngine && !isBuildStop(failure, context)) {
            return CANCELLED_BY_ENGINE;
        }
        if (isAgentError(failure, context)) {
            return AGENT_LOST;
        }
        return failure instanceof FlowInterruptedException ? BUILD_STOPPED : FAILED;
    }

    @CheckForNull
    static TaskCancelled engineCancellation(@CheckForNull Throwable failure) {
        if (failure instanceof FlowInterruptedException interrupted) {
            return interrupted.getCauses().stream()
                    .filter(TaskCancelled.class::isInstance)
                    .map(TaskCancelled.class::cast)
                    .findFirst()
                    .orElse(null);
        }
        return null;
    }

    private static boolean isBuildStop(Throwable failure, @CheckForNull StepContext context) {
        return failure instanceof FlowInterruptedException
                && engineCancellation(failure) == null
                && !isAgentError(failure, context);
    }

    /** A failure in words: the causes of an interruption (who stopped it, which node went away), or the message. */
    static String describe(@CheckForNull Throwable t) {
        if (t == null) {
            return "no failure";
        }
        if (t instanceof FlowInterruptedException interrupted
                && !interrupted.getCauses().isEmpty()) {
            return interrupted.getCauses().stream()
                    .map(CauseOfInterruption::getShortDescription)
                    .collect(Collectors.joining("; "));
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    private static boolean isAgentError(Throwable failure, @CheckForNull StepContext context) {
        try {
            return new AgentErrorCondition().test(failure, context);
        } catch (IOException e) {
            LOGGER.log(Level.FINE, "could not classify " + failure, e);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
