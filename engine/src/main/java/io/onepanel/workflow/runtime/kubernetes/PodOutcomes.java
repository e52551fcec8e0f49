package io.onepanel.workflow.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.onepanel.workflow.pod.PodContract;
import io.onepanel.workflow.pod.Stager;
import io.onepanel.workflow.pod.StagerReport;
import io.onepanel.workflow.runtime.TaskPhase;
import io.onepanel.workflow.runtime.TaskResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads a pod's status in the terms of a task attempt. Pure functions of the pod. */
final class PodOutcomes {

    private PodOutcomes() {}

    static final Set<String> IMAGE_PULL_FAILURES =
            Set.of("ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull", "RegistryUnavailable");
    static final Set<String> CREATE_FAILURES = Set.of("CreateContainerConfigError", "CreateContainerError");

    static Optional<ContainerStatus> status(Pod pod, String container) {
        if (pod.getStatus() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getContainerStatuses().stream().filter(s -> container.equals(s.getName())).findFirst();
    }

    static Optional<ContainerStateTerminated> terminated(Pod pod, String container) {
        return status(pod, container).map(s -> s.getState() == null ? null : s.getState().getTerminated());
    }

    static boolean started(Pod pod, String container) {
        return status(pod, container).map(s -> s.getState() != null
                && (s.getState().getRunning() != null || s.getState().getTerminated() != null)).orElse(false);
    }

    static boolean hasContainer(Pod pod, String container) {
        return pod.getSpec() != null && pod.getSpec().getContainers().stream().anyMatch(c -> container.equals(c.getName()));
    }

    /** The scheduler's reason when the pod cannot be placed (PodScheduled=False, Unschedulable). */
    static Optional<String> unschedulable(Pod pod) {
        if (pod.getStatus() == null) {
            return Optional.empty();
        }
        for (PodCondition c : pod.getStatus().getConditions()) {
            if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())
                    && "Unschedulable".equals(c.getReason())) {
                return Optional.of(c.getMessage() == null ? "no node fits the pod" : c.getMessage());
            }
        }
        return Optional.empty();
    }

    /** A container that waits for a reason the attempt cannot recover from, with its image. */
    record Stuck(String container, String image, String reason, String message) {}

    static List<Stuck> waiting(Pod pod) {
        List<Stuck> stuck = new ArrayList<>();
        if (pod.getStatus() == null) {
            return stuck;
        }
        List<ContainerStatus> all = new ArrayList<>(pod.getStatus().getInitContainerStatuses());
        all.addAll(pod.getStatus().getContainerStatuses());
        for (ContainerStatus s : all) {
            ContainerStateWaiting w = s.getState() == null ? null : s.getState().getWaiting();
            if (w != null && w.getReason() != null) {
                stuck.add(new Stuck(s.getName(), s.getImage(), w.getReason(), w.getMessage()));
            }
        }
        return stuck;
    }

    /** An init container that failed; the pod then never starts its containers. */
    static Optional<String> failedInit(Pod pod) {
        if (pod.getStatus() == null) {
            return Optional.empty();
        }
        for (ContainerStatus s : pod.getStatus().getInitContainerStatuses()) {
            ContainerStateTerminated t = s.getState() == null ? null : s.getState().getTerminated();
            if (t != null && t.getExitCode() != null && t.getExitCode() != 0) {
                return Optional.of("init container '" + s.getName() + "' failed with exit code " + t.getExitCode()
                        + (t.getReason() != null ? " (" + t.getReason() + ")" : "")
                        + (t.getMessage() != null ? ": " + t.getMessage() : ""));
            }
        }
        return Optional.empty();
    }

    /** The main container's process never started: nothing will come from the stager either. */
    static boolean neverRan(ContainerStateTerminated main) {
        return "StartError".equals(main.getReason()) || "ContainerCannotRun".equals(main.getReason());
    }

    /**
     * The attempt's result once the main container has ended.
     *
     * @param report what the stager said, or null when it said nothing readable
     * @param stagerNote why there is no report, for the message
     */
    static TaskResult result(Pod pod, ContainerStateTerminated main, StagerReport report, String stagerNote) {
        int code = main.getExitCode() == null ? -1 : main.getExitCode();
        String reason = main.getReason();
        if ("OOMKilled".equals(reason)) {
            String limit = memoryLimit(pod).map(q -> " (" + q + ")").orElse("");
            return TaskResult.failed(code, "OOMKilled (exit code " + code + "): the main container used more memory "
                    + "than its limit" + limit);
        }
        if ("StartError".equals(reason) || "ContainerCannotRun".equals(reason)
                || (code == 128 && main.getMessage() != null)) {
            String message = main.getMessage() == null ? "" : ": " + main.getMessage();
            String hint = main.getMessage() != null && main.getMessage().contains("\"sh\"")
                    ? "; the pod runs the task's command through `sh -c` (to wait for its inputs), so the image must"
                            + " contain sh, as for the Jenkins Kubernetes plugin's container step"
                    : "";
            return TaskResult.error("the main container could not start (" + reason + ")" + message + hint);
        }
        if (report != null && report.phase() != null) {
            if (report.phase() == TaskPhase.ERROR) {
                return new TaskResult(TaskPhase.ERROR, code == PodContract.EXIT_INPUTS_FAILED ? null : code,
                        report.message(), report.result(), java.util.Map.of(), List.of());
            }
            if (code != 0) {
                return new TaskResult(TaskPhase.FAILED, code, Stager.exitMessage(code), report.result(),
                        report.outputParameters(), report.outputArtifacts());
            }
            return report.toTaskResult();
        }
        String note = stagerNote == null ? "" : " (" + stagerNote + ")";
        if (code == 0) {
            return TaskResult.error("the main container succeeded, but the stager reported no outputs" + note);
        }
        if (code == PodContract.EXIT_INPUTS_FAILED) {
            return TaskResult.error("inputs could not be staged; the command did not run" + note);
        }
        return TaskResult.failed(code, Stager.exitMessage(code));
    }

    private static Optional<Quantity> memoryLimit(Pod pod) {
        if (pod.getSpec() == null) {
            return Optional.empty();
        }
        for (Container c : pod.getSpec().getContainers()) {
            if (PodContract.MAIN_CONTAINER.equals(c.getName()) && c.getResources() != null) {
                return Optional.ofNullable(c.getResources().getLimits().get("memory"));
            }
        }
        return Optional.empty();
    }
}
