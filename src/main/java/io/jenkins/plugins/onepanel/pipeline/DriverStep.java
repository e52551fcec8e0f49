package io.jenkins.plugins.onepanel.pipeline;

import hudson.ExtensionList;
import java.io.Serial;
import java.io.Serializable;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;

/**
 * One of the driver's own operations (start, await, run, report, finish). They are not steps of
 * their own: {@code onepanelWorkflow} is the plugin's only step, so the Snippet Generator and the
 * steps reference show exactly one. The driver calls {@code steps.onepanelWorkflow(...)} with
 * {@link DriverSteps#KEY}, and the step's descriptor makes the operation ({@link DriverSteps#of});
 * Pipeline runs it as that step, so it appears as {@code onepanelWorkflow} in the flow graph.
 */
abstract class DriverStep extends Step implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** Not registered: the descriptor is that of {@code onepanelWorkflow}. */
    @Override
    public StepDescriptor getDescriptor() {
        return ExtensionList.lookupSingleton(OnepanelWorkflowStep.DescriptorImpl.class);
    }
}
