package io.onepanel.workflow.testbed;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One pod on a test node, from binding to deletion, on a thread of its own, as a kubelet's pod
 * worker: it takes the pod (a finalizer, so that a deletion waits for its containers to stop),
 * sets up its volumes (retrying while a claim is missing or unbound), runs the init containers one
 * after another and then all containers together, reports every change of state, enforces
 * {@code activeDeadlineSeconds}, and on deletion sends SIGTERM, waits the grace period, kills, and
 * lets the pod go.
 *
 * <p>This thread starts every container and outlives them all: {@code setpriv --pdeathsig KILL}
 * ties each container to the thread that started it, so that nothing outlives a JVM that dies.
 */
final class PodWorker implements Runnable {

    private static final Duration MOUNT_RETRY = Duration.ofMillis(500);
    private static final int TERMINATION_MESSAGE_LIMIT = 4096;

    private final Kubelet kubelet;
    private final Pod pod;
    private final String ns;
    private final String name;
    final Path dir;
    final KubeletPodStatus status;
    private final Map<String, ContainerProcess> processes = new ConcurrentHashMap<>();
    private final Object changes = new Object();
    private volatile boolean deletionRequested;
    private volatile boolean gone;
    private volatile boolean finished;
    private Instant deadline;

    PodWorker(Kubelet kubelet, Pod pod, Path dir) {
        this.kubelet = kubelet;
        this.pod = pod;
        this.ns = pod.getMetadata().getNamespace();
        this.name = pod.getMetadata().getName();
        this.dir = dir;
        this.status = new KubeletPodStatus(pod);
    }

    Pod pod() {
        return pod;
    }

    void deletionRequested() {
        deletionRequested = true;
        signal();
    }

    void gone() {
        gone = true;
        deletionRequested = true;
        signal();
    }

    boolean finished() {
        return finished;
    }

    Path containerDir(String container) {
        return dir.resolve("containers").resolve(container);
    }

    @Override
    public void run() {
        boolean taken = false;
        try {
            taken = kubelet.addFinalizer(pod);
            if (!taken) {
                return; // deleted before this node took it: nothing started
            }
            Long seconds = pod.getSpec().getActiveDeadlineSeconds();
            deadline = seconds == null ? null : Instant.now().plusSeconds(seconds);
            write();
            Map<String, PodVolumes.HostVolume> volumes = setUpVolumes();
            if (volumes != null) {
                status.sandboxReady();
                write();
                if (runInitContainers(volumes)) {
                    runContainers(volumes);
                }
            }
            while (!deletionRequested) {
                awaitChange(null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            kubelet.failure(pod, e);
        } finally {
            stopContainers(kubelet.gracePeriod(pod));
            if (taken) {
                kubelet.removeFinalizer(pod);
            }
            kubelet.forget(this);
            finished = true;
            signal();
        }
    }

    private Map<String, PodVolumes.HostVolume> setUpVolumes() throws IOException, InterruptedException {
        String lastProblem = null;
        while (!deletionRequested) {
            try {
                return kubelet.volumes().setUp(pod, dir);
            } catch (PodVolumes.MountException e) {
                if (!e.getMessage().equals(lastProblem)) {
                    lastProblem = e.getMessage();
                    kubelet.event(pod, EventRecorder.WARNING, "FailedMount", e.getMessage());
                }
                awaitChange(Instant.now().plus(MOUNT_RETRY));
            }
        }
        return null;
    }

    /** Runs the init containers in order; false when one failed or the pod went meanwhile. */
    private boolean runInitContainers(Map<String, PodVolumes.HostVolume> volumes) throws InterruptedException,
            IOException {
        for (Container c : pod.getSpec().getInitContainers()) {
            if (!start(c, volumes)) {
                return false;
            }
            while (!deletionRequested && !deadlinePassed() && status.isRunning(c.getName())) {
                collectExits();
                awaitChange(deadline);
            }
            collectExits();
            if (!deletionRequested && deadlinePassed()) {
                exceedDeadline();
                return false;
            }
            Integer code = status.exitCode(c.getName());
            if (code == null || code != 0) {
                status.derivePhase();
                write();
                return false;
            }
        }
        return !deletionRequested;
    }

    private void runContainers(Map<String, PodVolumes.HostVolume> volumes) throws InterruptedException, IOException {
        for (Container c : pod.getSpec().getContainers()) {
            if (deletionRequested) {
                return;
            }
            start(c, volumes);
        }
        status.derivePhase();
        write();
        while (!deletionRequested) {
            if (collectExits()) {
                status.derivePhase();
                write();
            }
            if (deadlinePassed() && !ended()) {
                exceedDeadline();
                return;
            }
            if (ended()) {
                return;
            }
            awaitChange(deadline);
        }
    }

    private boolean ended() {
        String phase = status.phase();
        return phase.equals("Succeeded") || phase.equals("Failed");
    }

    /** Pulls (per the image table) and starts one container; false when it cannot run. */
    private boolean start(Container c, Map<String, PodVolumes.HostVolume> volumes) throws InterruptedException,
            IOException {
        String image = c.getImage();
        ImageTable.Resolution how = kubelet.images().resolve(image);
        kubelet.event(pod, EventRecorder.NORMAL, "Pulling", "Pulling image \"" + image + "\"");
        if (how instanceof ImageTable.CannotPull) {
            String why = "failed to pull and unpack image \"" + image + "\": failed to resolve reference \"" + image
                    + "\": not found";
            kubelet.event(pod, EventRecorder.WARNING, "Failed", "Failed to pull image \"" + image + "\": " + why);
            status.waiting(c.getName(), "ErrImagePull", why);
            write();
            kubelet.event(pod, EventRecorder.NORMAL, "BackOff", "Back-off pulling image \"" + image + "\"");
            status.waiting(c.getName(), "ImagePullBackOff", "Back-off pulling image \"" + image + "\": " + why);
            write();
            return false;
        }
        kubelet.event(pod, EventRecorder.NORMAL, "Pulled", "Successfully pulled image \"" + image + "\" in 0s");
        ProcessBuilder launch;
        try {
            Map<String, String> env = kubelet.environment().of(pod, c);
            List<String> argv;
            if (how instanceof ImageTable.Run run) {
                argv = run.command().argv(c, env);
            } else if (c.getCommand().isEmpty()) {
                return startError(c, "the test bed cannot know the entrypoint of image \"" + image + "\": its host rule "
                        + "runs the container's command; give the container a command, or map the image in the "
                        + "ImageTable");
            } else {
                argv = new ArrayList<>(VariableExpansion.expand(c.getCommand(), env));
                argv.addAll(VariableExpansion.expand(c.getArgs(), env));
            }
            launch = ContainerLaunch.prepare(kubelet.tools(), kubelet.mountPoints(), name, c, env, volumes,
                    containerDir(c.getName()), argv);
        } catch (ContainerEnvironment.ConfigException e) {
            kubelet.event(pod, EventRecorder.WARNING, "Failed", "Error: " + e.getMessage());
            status.waiting(c.getName(), "CreateContainerConfigError", e.getMessage());
            write();
            return false;
        }
        kubelet.event(pod, EventRecorder.NORMAL, "Created", "Created container " + c.getName());
        ContainerProcess process = ContainerProcess.start(launch, containerDir(c.getName()));
        processes.put(c.getName(), process);
        kubelet.started(pod, c.getName(), process);
        process.onExit().thenRun(this::signal);
        Optional<String> failed = process.awaitStart();
        if (failed.isPresent()) {
            processes.remove(c.getName());
            return startError(c, failed.get());
        }
        status.running(c.getName(), "testbed://" + process.initPid());
        kubelet.event(pod, EventRecorder.NORMAL, "Started", "Started container " + c.getName());
        write();
        return true;
    }

    private boolean startError(Container c, String message) {
        kubelet.event(pod, EventRecorder.WARNING, "Failed", "Error: " + message);
        status.terminated(c.getName(), 128, "StartError", message);
        status.derivePhase();
        write();
        return false;
    }

    /** Records the end of every container whose process has ended; true when there was one. */
    private boolean collectExits() {
        boolean any = false;
        for (Container c : containers()) {
            ContainerProcess p = processes.get(c.getName());
            if (p != null && !p.isAlive() && status.isRunning(c.getName())) {
                int code = p.exitCode();
                status.terminated(c.getName(), code, code == 0 ? "Completed" : "Error", terminationMessage(c, code));
                any = true;
            }
        }
        return any;
    }

    private String terminationMessage(Container c, int exitCode) {
        Path dirOf = containerDir(c.getName());
        String message = read(dirOf.resolve(ContainerLaunch.TERMINATION_FILE), TERMINATION_MESSAGE_LIMIT);
        if (message.isEmpty() && exitCode != 0 && "FallbackToLogsOnError".equals(c.getTerminationMessagePolicy())) {
            String log = read(dirOf.resolve(ContainerLaunch.LOG_FILE), Integer.MAX_VALUE);
            List<String> lines = List.of(log.split("\n"));
            message = String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
            message = message.length() > 2048 ? message.substring(message.length() - 2048) : message;
        }
        return message;
    }

    private boolean deadlinePassed() {
        return deadline != null && !Instant.now().isBefore(deadline);
    }

    /** As a kubelet: the pod is Failed (DeadlineExceeded) at once, then its containers are stopped. */
    private void exceedDeadline() {
        status.phase("Failed", "DeadlineExceeded", "Pod was active on the node longer than the specified deadline");
        write();
        stopContainers(kubelet.gracePeriod(pod));
        write();
    }

    /** SIGTERM to every running container, the grace period, then SIGKILL; records how each ended. */
    private void stopContainers(Duration grace) {
        List<Container> running = containers().stream()
                .filter(c -> processes.containsKey(c.getName()) && processes.get(c.getName()).isAlive()).toList();
        for (Container c : running) {
            kubelet.event(pod, EventRecorder.NORMAL, "Killing", "Stopping container " + c.getName());
            processes.get(c.getName()).terminate();
        }
        Instant until = Instant.now().plus(grace);
        try {
            while (running.stream().anyMatch(c -> processes.get(c.getName()).isAlive()) && Instant.now().isBefore(until)) {
                awaitChange(until);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Container c : running) {
            ContainerProcess p = processes.get(c.getName());
            if (p.isAlive()) {
                p.kill();
                p.onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).exceptionally(e -> null).join();
            }
        }
        if (collectExits() && !gone) {
            status.derivePhase();
            write();
        }
    }

    private List<Container> containers() {
        List<Container> all = new ArrayList<>(pod.getSpec().getInitContainers());
        all.addAll(pod.getSpec().getContainers());
        return all;
    }

    private void write() {
        if (gone) {
            return;
        }
        try {
            kubelet.client().pods().inNamespace(ns).withName(name).editStatus(p -> {
                p.setStatus(status.toStatus(p.getStatus()));
                return p;
            });
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                gone();
            }
        }
    }

    private void signal() {
        synchronized (changes) {
            changes.notifyAll();
        }
    }

    /** Waits for a container's end, a deletion, or {@code until} (null: no limit); spurious returns are fine. */
    private void awaitChange(Instant until) throws InterruptedException {
        synchronized (changes) {
            long millis = until == null ? 1000 : Math.max(1, Duration.between(Instant.now(), until).toMillis());
            changes.wait(Math.min(millis, 1000));
        }
    }

    private static String read(Path file, int limit) {
        try {
            if (!Files.exists(file)) {
                return "";
            }
            byte[] bytes = Files.readAllBytes(file);
            return new String(bytes, 0, Math.min(bytes.length, limit), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
