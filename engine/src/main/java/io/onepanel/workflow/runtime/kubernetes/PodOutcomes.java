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

    /** Whether a container of the pod (an init container too) has started: the pod got past scheduling, volumes, images. */
    static boolean anyContainerStarted(Pod pod) {
        if (pod.getStatus() == null) {
            return false;
        }
        List<ContainerStatus> all = new ArrayList<>(pod.getStatus().getInitContainerStatuses());
        all.addAll(pod.getStatus().getContainerStatuses());
        return all.stream().anyMatch(s -> s.getState() != null
                && (s.getState().getRunning() != null || s.getState().getTerminated() != null));
    }

    /**
     * Why a pod has not started within {@code limit}, from its conditions, its containers' waiting
     * reasons and its Warning events (those that say something new).
     *
     * @param pod the pod as last seen, or null when no state of it was seen
     * @param eventsProblem why the events could not be read, or null
     */
    static String notStarted(Pod pod, String limit, List<String> events, String eventsProblem) {
        String why;
        Optional<String> unsched = pod == null ? Optional.empty() : unschedulable(pod);
        if (unsched.isPresent()) {
            why = "no node can take it (Unschedulable): " + unsched.get();
        } else if (pod == null || pod.getSpec() == null || pod.getSpec().getNodeName() == null) {
            why = "it was not scheduled";
        } else {
            java.util.Map<String, List<String>> byReason = new java.util.LinkedHashMap<>();
            for (Stuck s : waiting(pod)) {
                byReason.computeIfAbsent(s.reason() + (s.message() == null ? "" : " (" + s.message() + ")"),
                        k -> new ArrayList<>()).add(s.container());
            }
            why = "it is on node " + pod.getSpec().getNodeName() + (byReason.isEmpty() ? "" : ", its containers wait: "
                    + byReason.entrySet().stream().map(e -> e.getKey() + " (" + String.join(", ", e.getValue()) + ")")
                            .collect(java.util.stream.Collectors.joining("; ")));
        }
        List<String> news = events.stream().filter(e -> !why.contains(e.substring(e.indexOf(": ") + 2))).toList();
        return "the pod did not start within " + limit + ": " + why
                + (news.isEmpty() ? "" : "; events: " + String.join("; ", news))
                + (eventsProblem == null ? "" : "; " + eventsProblem);
    }

    /** The last few distinct Warning events about {@code pod}, oldest first, as "Reason: message". */
    static List<String> warnings(List<io.fabric8.kubernetes.api.model.Event> events, String pod) {
        List<io.fabric8.kubernetes.api.model.Event> mine = new ArrayList<>(events.stream()
                .filter(e -> "Warning".equals(e.getType()) && e.getInvolvedObject() != null
                        && pod.equals(e.getInvolvedObject().getName()))
                .toList());
        mine.sort(java.util.Comparator.comparing(PodOutcomes::when));
        java.util.LinkedHashSet<String> distinct = new java.util.LinkedHashSet<>();
        for (io.fabric8.kubernetes.api.model.Event e : mine) {
            String line = e.getReason() + ": " + e.getMessage();
            distinct.remove(line); // a repeated event counts where it last happened
            distinct.add(line);
        }
        List<String> all = new ArrayList<>(distinct);
        return all.subList(Math.max(0, all.size() - 3), all.size());
    }

    /** An event's time as RFC 3339 text (sorts as time): its last, else first, else creation timestamp. */
    private static String when(io.fabric8.kubernetes.api.model.Event e) {
        String t = e.getLastTimestamp() != null ? e.getLastTimestamp() : e.getFirstTimestamp();
        if (t == null && e.getMetadata() != null) {
            t = e.getMetadata().getCreationTimestamp();
        }
        return t == null ? "" : t;
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
