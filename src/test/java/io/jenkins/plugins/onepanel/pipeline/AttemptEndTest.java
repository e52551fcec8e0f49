package io.jenkins.plugins.onepanel.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import hudson.AbortException;
import hudson.model.Result;
import java.nio.channels.ClosedChannelException;
import jenkins.model.CauseOfInterruption;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.jenkinsci.plugins.workflow.support.steps.ExecutorStepExecution;
import org.junit.jupiter.api.Test;

/**
 * How an attempt's pod block ended decides whether the worker goes on (the engine decides about the
 * attempt) or fails with the build: agent-pod failures are the attempt's Error, as
 * workflow-durable-task-step's {@code AgentErrorCondition} recognises them, and only a stop of the
 * build stops the worker.
 */
class AttemptEndTest {

    private static FlowInterruptedException interrupted(CauseOfInterruption cause) {
        return new FlowInterruptedException(Result.ABORTED, false, cause);
    }

    @Test
    void aBodyThatEndedNormallyCompleted() {
        assertEquals(AttemptEnd.COMPLETED, AttemptEnd.classify(null, null, false));
    }

    @Test
    void anAgentRemovedByTheKubernetesPluginIsTheAttemptsError() {
        // Reaper: eviction, OOM kill, a container that terminated, a node lost
        assertEquals(
                AttemptEnd.AGENT_LOST,
                AttemptEnd.classify(interrupted(new ExecutorStepExecution.RemovedNodeCause()), null, false));
    }

    @Test
    void aPodThatNeverStartedIsTheAttemptsError() {
        // ImagePullBackOff: the Kubernetes plugin cancels the node's queue item
        assertEquals(
                AttemptEnd.AGENT_LOST,
                AttemptEnd.classify(interrupted(new ExecutorStepExecution.QueueTaskCancelled()), null, false));
    }

    @Test
    void aClosedChannelIsTheAttemptsError() {
        assertEquals(AttemptEnd.AGENT_LOST, AttemptEnd.classify(new ClosedChannelException(), null, false));
    }

    @Test
    void theEnginesOwnCancelIsACancel() {
        assertEquals(
                AttemptEnd.CANCELLED_BY_ENGINE,
                AttemptEnd.classify(interrupted(new TaskCancelled("train", "failFast")), null, false));
        // a pending pod's queue item, withdrawn because the engine cancelled the attempt
        assertEquals(
                AttemptEnd.CANCELLED_BY_ENGINE,
                AttemptEnd.classify(interrupted(new ExecutorStepExecution.QueueTaskCancelled()), null, true));
    }

    @Test
    void onlyAStopOfTheBuildStopsTheWorker() {
        FlowInterruptedException userAbort =
                new FlowInterruptedException(Result.ABORTED, true, new CauseOfInterruption.UserInterruption("alice"));
        assertEquals(AttemptEnd.BUILD_STOPPED, AttemptEnd.classify(userAbort, null, false));
        assertEquals(AttemptEnd.BUILD_STOPPED, AttemptEnd.classify(userAbort, null, true));
    }

    @Test
    void anyOtherFailureIsTheAttemptsError() {
        assertEquals(AttemptEnd.FAILED, AttemptEnd.classify(new AbortException("bad pod template"), null, false));
    }
}
