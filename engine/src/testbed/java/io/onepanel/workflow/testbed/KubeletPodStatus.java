package io.onepanel.workflow.testbed;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the kubelet reports for one pod: each container's state (waiting with a reason, running
 * since, terminated with exit code, reason and message), the phase, and the conditions
 * Initialized, ContainersReady and Ready derived from them as a kubelet derives them (no probes:
 * a running container is ready). The scheduler's PodScheduled condition is kept as it is.
 */
final class KubeletPodStatus {

    private final Pod pod;
    private final String startTime = now();
    private final Map<String, ContainerState> states = new LinkedHashMap<>();
    private final Map<String, String> ids = new HashMap<>();
    private final Map<String, String[]> transitions = new HashMap<>();
    private String phase = "Pending";
    private String reason;
    private String message;
    private boolean readyToStart;

    KubeletPodStatus(Pod pod) {
        this.pod = pod;
        for (Container c : pod.getSpec().getInitContainers()) {
            waiting(c.getName(), "PodInitializing", null);
        }
        for (Container c : pod.getSpec().getContainers()) {
            waiting(c.getName(), pod.getSpec().getInitContainers().isEmpty() ? "ContainerCreating" : "PodInitializing",
                    null);
        }
    }

    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    synchronized void sandboxReady() {
        readyToStart = true;
    }

    synchronized void waiting(String container, String why, String detail) {
        states.put(container, new ContainerStateBuilder().withNewWaiting().withReason(why).withMessage(detail)
                .endWaiting().build());
    }

    synchronized void running(String container, String id) {
        ids.put(container, id);
        states.put(container, new ContainerStateBuilder().withNewRunning().withStartedAt(now()).endRunning().build());
    }

    synchronized void terminated(String container, int exitCode, String why, String detail) {
        ContainerState before = states.get(container);
        String started = before != null && before.getRunning() != null ? before.getRunning().getStartedAt() : null;
        states.put(container, new ContainerStateBuilder().withNewTerminated().withExitCode(exitCode).withReason(why)
                .withMessage(detail == null || detail.isEmpty() ? null : detail).withStartedAt(started)
                .withFinishedAt(now()).withContainerID(ids.get(container)).endTerminated().build());
    }

    synchronized boolean isRunning(String container) {
        return states.get(container) != null && states.get(container).getRunning() != null;
    }

    synchronized boolean isTerminated(String container) {
        return states.get(container) != null && states.get(container).getTerminated() != null;
    }

    /** The exit code of a terminated container, else null. */
    synchronized Integer exitCode(String container) {
        return isTerminated(container) ? states.get(container).getTerminated().getExitCode() : null;
    }

    /** The waiting reason of a container that has not started, else null. */
    synchronized String waitingReason(String container) {
        return isWaiting(container) ? states.get(container).getWaiting().getReason() : null;
    }

    synchronized boolean isWaiting(String container) {
        return states.get(container) != null && states.get(container).getWaiting() != null;
    }

    synchronized void phase(String newPhase, String newReason, String newMessage) {
        phase = newPhase;
        reason = newReason;
        message = newMessage;
    }

    synchronized String phase() {
        return phase;
    }

    /**
     * The phase from the containers' states, as a kubelet derives it for restartPolicy Never: Pending
     * until the init containers succeeded and while any container waits, Failed when an init container
     * failed, Running while any runs, then Succeeded when every container exited 0, else Failed. A
     * phase set with a reason (DeadlineExceeded) stays.
     */
    synchronized void derivePhase() {
        if (reason != null) {
            return;
        }
        for (Container c : pod.getSpec().getInitContainers()) {
            ContainerState s = states.get(c.getName());
            if (s.getTerminated() == null) {
                phase = "Pending";
                return;
            }
            if (s.getTerminated().getExitCode() != 0) {
                phase = "Failed";
                return;
            }
        }
        List<ContainerState> app = pod.getSpec().getContainers().stream().map(c -> states.get(c.getName())).toList();
        if (app.stream().anyMatch(s -> s.getWaiting() != null)) {
            phase = "Pending";
        } else if (app.stream().anyMatch(s -> s.getRunning() != null)) {
            phase = "Running";
        } else {
            phase = app.stream().allMatch(s -> s.getTerminated().getExitCode() == 0) ? "Succeeded" : "Failed";
        }
    }

    /** The full status to write, keeping the scheduler's condition from {@code current}. */
    synchronized PodStatus toStatus(PodStatus current) {
        List<PodCondition> conditions = new ArrayList<>();
        if (current != null) {
            current.getConditions().stream().filter(c -> "PodScheduled".equals(c.getType())).forEach(conditions::add);
        }
        boolean ended = phase.equals("Succeeded") || phase.equals("Failed");
        List<String> incompleteInit = pod.getSpec().getInitContainers().stream().map(Container::getName)
                .filter(n -> !isTerminated(n) || states.get(n).getTerminated().getExitCode() != 0).toList();
        List<String> unready = pod.getSpec().getContainers().stream().map(Container::getName)
                .filter(n -> !isRunning(n)).toList();
        conditions.add(condition("PodReadyToStartContainers", readyToStart, null, null));
        conditions.add(condition("Initialized", incompleteInit.isEmpty(), "ContainersNotInitialized",
                "containers with incomplete status: " + incompleteInit));
        String notReady = ended ? "PodCompleted" : "ContainersNotReady";
        String notReadyMessage = ended ? null : "containers with unready status: " + unready;
        conditions.add(condition("ContainersReady", unready.isEmpty() && !ended, notReady, notReadyMessage));
        conditions.add(condition("Ready", unready.isEmpty() && !ended, notReady, notReadyMessage));
        return new PodStatusBuilder()
                .withPhase(phase).withReason(reason).withMessage(message)
                .withConditions(conditions)
                .withHostIP(TestNode.ADDRESS).withHostIPs(new io.fabric8.kubernetes.api.model.HostIPBuilder()
                        .withIp(TestNode.ADDRESS).build())
                .withPodIP(TestNode.ADDRESS).withPodIPs(new PodIPBuilder().withIp(TestNode.ADDRESS).build())
                .withStartTime(startTime)
                .withQosClass(qosClass())
                .withInitContainerStatuses(statuses(pod.getSpec().getInitContainers()))
                .withContainerStatuses(statuses(pod.getSpec().getContainers()))
                .build();
    }

    private PodCondition condition(String type, boolean ok, String whyNot, String messageNot) {
        String status = ok ? "True" : "False";
        String[] last = transitions.get(type);
        if (last == null || !last[0].equals(status)) {
            last = new String[] {status, now()};
            transitions.put(type, last);
        }
        return new PodConditionBuilder().withType(type).withStatus(status).withLastTransitionTime(last[1])
                .withReason(ok ? null : whyNot).withMessage(ok ? null : messageNot).build();
    }

    private List<ContainerStatus> statuses(List<Container> containers) {
        List<ContainerStatus> list = new ArrayList<>();
        for (Container c : containers) {
            ContainerState s = states.get(c.getName());
            list.add(new ContainerStatusBuilder()
                    .withName(c.getName())
                    .withImage(c.getImage())
                    .withImageID(s.getWaiting() == null ? "testbed://" + c.getImage() : "")
                    .withContainerID(ids.get(c.getName()))
                    .withState(s)
                    .withReady(s.getRunning() != null)
                    .withStarted(s.getRunning() != null)
                    .withRestartCount(0)
                    .build());
        }
        return list;
    }

    private String qosClass() {
        boolean any = false;
        boolean guaranteed = true;
        List<Container> all = new ArrayList<>(pod.getSpec().getContainers());
        all.addAll(pod.getSpec().getInitContainers());
        for (Container c : all) {
            var r = c.getResources();
            Map<String, ?> requests = r == null ? Map.of() : r.getRequests();
            Map<String, ?> limits = r == null ? Map.of() : r.getLimits();
            any |= !requests.isEmpty() || !limits.isEmpty();
            for (String res : List.of("cpu", "memory")) {
                Object limit = limits.get(res);
                Object request = requests.get(res);
                guaranteed &= limit != null && (request == null || ResourceRequests.sameAmount(request, limit));
            }
        }
        return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
    }
}
