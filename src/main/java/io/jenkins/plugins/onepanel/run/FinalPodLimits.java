package io.jenkins.plugins.onepanel.run;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import io.fabric8.kubernetes.api.model.Pod;
import io.jenkins.plugins.onepanel.OnepanelWorkflowConfiguration;
import io.onepanel.workflow.pod.PodContract;
import java.util.Map;
import java.util.Optional;
import org.csanchez.jenkins.plugins.kubernetes.KubernetesCloud;
import org.csanchez.jenkins.plugins.kubernetes.pod.decorator.PodDecorator;
import org.csanchez.jenkins.plugins.kubernetes.pod.decorator.PodDecoratorException;

/**
 * The administrator's pod limits, checked on the pod the Kubernetes plugin really creates for a task:
 * after it merged the cloud's Defaults Provider Template, an {@code inheritFrom} template and every
 * other decorator. The engine's pod is checked earlier (with the template's positions); this is the
 * check that cannot be walked around by what the merge adds. A refused pod is never created: the
 * Kubernetes plugin cancels the attempt's queue item with this message.
 */
@Extension(ordinal = -10_000) // runs after the other decorators (higher ordinals come first)
public final class FinalPodLimits implements PodDecorator {

    @NonNull
    @Override
    public Pod decorate(@NonNull KubernetesCloud cloud, @NonNull Pod pod) {
        Map<String, String> labels = pod.getMetadata() == null ? null : pod.getMetadata().getLabels();
        if (labels == null || !labels.containsKey(PodContract.LABEL_RUN_UID)) {
            return pod; // not a task's pod: other agents are the cloud's business
        }
        Optional<String> refused = AdminLimits.of(OnepanelWorkflowConfiguration.get()).violation(pod);
        if (refused.isPresent()) {
            String why = "the task's pod, as cloud '" + cloud.name + "' would create it, may not run: "
                    + refused.get();
            String label = labels.get(PodStartWatch.JENKINS_LABEL);
            if (label != null) {
                // The Kubernetes plugin would provision the refused pod again and again: end the attempt now.
                PodStartWatch.refused(label, why);
            }
            throw new PodDecoratorException("onepanel-workflow: " + why);
        }
        return pod;
    }
}
