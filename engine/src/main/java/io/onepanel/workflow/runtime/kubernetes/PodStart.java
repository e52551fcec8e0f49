package io.onepanel.workflow.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Why a pod has not started yet, in words a user can act on, from what {@code kubectl describe pod}
 * shows: the scheduler's verdict ({@code PodScheduled=False}), containers waiting for a reason other
 * than being created (an image that cannot be pulled, a missing secret), and the pod's warning events
 * ({@code FailedMount}, {@code FailedScheduling}, {@code FailedCreatePodSandBox}, ...). For callers
 * that bound how long a pod may take to start: the Jenkins plugin, whose pods another plugin creates.
 */
public final class PodStart {

    private PodStart() {}

    /** Whether every container of the pod runs (its agent can connect): the pod has started. */
    public static boolean started(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
                || pod.getStatus().getContainerStatuses().isEmpty()) {
            return false;
        }
        return pod.getStatus().getContainerStatuses().stream()
                .allMatch(s -> s.getState() != null && s.getState().getRunning() != null);
    }

    /**
     * Why the pod has not started, or empty when nothing says (it is simply being created).
     *
     * @param events the events about the pod, in any order
     */
    public static Optional<String> whyNotStarted(Pod pod, List<Event> events) {
        List<String> reasons = new ArrayList<>();
        PodOutcomes.unschedulable(pod).ifPresent(m -> reasons.add("it cannot be scheduled: " + m));
        for (PodOutcomes.Stuck stuck : PodOutcomes.waiting(pod)) {
            if (!"ContainerCreating".equals(stuck.reason()) && !"PodInitializing".equals(stuck.reason())) {
                reasons.add("container '" + stuck.container() + "' (image " + stuck.image() + ") is waiting: "
                        + stuck.reason() + (stuck.message() == null ? "" : ": " + stuck.message()));
            }
        }
        if (reasons.isEmpty()) {
            List<String> warnings = PodOutcomes.warnings(events, pod.getMetadata().getName());
            if (!warnings.isEmpty()) {
                reasons.add(warnings.get(warnings.size() - 1));
            }
        }
        return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", reasons));
    }
}
