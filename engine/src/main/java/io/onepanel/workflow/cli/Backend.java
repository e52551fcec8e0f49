package io.onepanel.workflow.cli;

import io.onepanel.workflow.artifact.RoutingArtifactStore;
import io.onepanel.workflow.dag.Durations;
import io.onepanel.workflow.engine.WorkflowEngine;
import io.onepanel.workflow.pod.ImageEntrypoints;
import io.onepanel.workflow.pod.PodConfig;
import io.onepanel.workflow.runtime.TaskRuntime;
import io.onepanel.workflow.runtime.kubernetes.KubernetesRuntimeConfig;
import io.onepanel.workflow.runtime.kubernetes.KubernetesTaskRuntime;
import io.onepanel.workflow.runtime.local.LocalImages;
import io.onepanel.workflow.runtime.local.LocalRuntimeOptions;
import io.onepanel.workflow.runtime.local.LocalTaskRuntime;
import io.onepanel.workflow.template.InstallValues;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a run's tasks run and its artifacts go, as {@code run} was told. Kept in the run's journal
 * (paths made absolute) so that {@code resume} and {@code retry} use the same, from any directory.
 * Never a credential: those come from the environment each time.
 */
final class Backend {

    final boolean kubernetes;
    final String namespace;
    final String context;
    final Path work;
    final ArtifactOptions artifacts;
    final PodOptions pods;
    final ImageOptions images;
    /** As {@code --pod-start-timeout} gave it: null when not given, zero for no bound. */
    final Duration podStartTimeout;

    Backend(boolean kubernetes, String namespace, String context, Path work, ArtifactOptions artifacts,
            PodOptions pods, ImageOptions images, Duration podStartTimeout) {
        this.kubernetes = kubernetes;
        this.namespace = namespace;
        this.context = context;
        this.work = work;
        this.artifacts = artifacts;
        this.pods = pods;
        this.images = images;
        this.podStartTimeout = podStartTimeout;
    }

    /** The same backend with {@code --pod-start-timeout} as given again (null: as it was). */
    Backend withPodStartTimeout(Duration value) {
        return value == null ? this
                : new Backend(kubernetes, namespace, context, work, artifacts, pods, images, value);
    }

    /** What a journal keeps of it. */
    Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("runtime", kubernetes ? "kubernetes" : "local");
        put(s, "namespace", namespace);
        put(s, "context", context);
        s.put("work", work.toAbsolutePath().normalize().toString());
        s.put("artifacts", artifacts.directory.toAbsolutePath().normalize().toString());
        put(s, "s3.bucket", artifacts.bucket);
        put(s, "s3.endpoint", artifacts.endpoint);
        put(s, "s3.region", artifacts.region);
        s.put("s3.pathStyle", Boolean.toString(artifacts.pathStyle));
        s.put("s3.insecure", Boolean.toString(artifacts.insecure));
        put(s, "nodePools", pods.nodePools.file == null ? null : pods.nodePools.file.toAbsolutePath().normalize().toString());
        put(s, "gpuResources", pods.gpuResources.isEmpty() ? null : String.join(",", pods.gpuResources));
        put(s, "stagerImage", pods.stagerImage);
        put(s, "images", images.file == null ? null : images.file.toAbsolutePath().normalize().toString());
        put(s, "podStartTimeout", podStartTimeout == null ? null : podStartTimeout.toMillis() + "ms");
        return s;
    }

    /** The backend a journal's settings describe. */
    static Backend of(Map<String, String> s) {
        ArtifactOptions artifacts = new ArtifactOptions();
        artifacts.directory = Path.of(s.getOrDefault("artifacts", ".onepanel-workflow/artifacts"));
        artifacts.bucket = s.get("s3.bucket");
        artifacts.endpoint = s.get("s3.endpoint");
        artifacts.region = s.get("s3.region");
        artifacts.pathStyle = Boolean.parseBoolean(s.getOrDefault("s3.pathStyle", "true"));
        artifacts.insecure = Boolean.parseBoolean(s.get("s3.insecure"));
        PodOptions pods = new PodOptions();
        pods.nodePools = new NodePoolOptions();
        pods.nodePools.file = s.containsKey("nodePools") ? Path.of(s.get("nodePools")) : null;
        pods.gpuResources = s.containsKey("gpuResources")
                ? new ArrayList<>(Arrays.asList(s.get("gpuResources").split(","))) : new ArrayList<>();
        pods.stagerImage = s.get("stagerImage");
        ImageOptions images = new ImageOptions();
        images.file = s.containsKey("images") ? Path.of(s.get("images")) : null;
        Duration podStart = s.containsKey("podStartTimeout") ? Durations.parse(s.get("podStartTimeout")) : null;
        return new Backend("kubernetes".equals(s.get("runtime")), s.get("namespace"), s.get("context"),
                Path.of(s.getOrDefault("work", ".onepanel-workflow/work")), artifacts, pods, images, podStart);
    }

    private static void put(Map<String, String> s, String key, String value) {
        if (value != null) {
            s.put(key, value);
        }
    }

    /**
     * The pod settings, the artifact store and the runtime of one command, closed together.
     *
     * @param localImages for a local run, what stands for the entrypoint of images whose containers give
     *     no command; null on Kubernetes
     */
    record Opened(PodConfig podConfig, LocalImages localImages, RoutingArtifactStore store, TaskRuntime runtime)
            implements AutoCloseable {

        /**
         * An engine on them, with the pod checks when a node pool catalogue was given, and for a local
         * run a warning for each container whose image's entrypoint it cannot run.
         */
        WorkflowEngine.Builder engine(PodOptions pods) {
            WorkflowEngine.Builder builder =
                    pods.withChecks(WorkflowEngine.builder().runtime(runtime).artifacts(store), podConfig);
            return localImages == null ? builder : builder.check(localImages.check());
        }

        /** What Onepanel's install-time placeholders are filled with: from the node pool catalogue. */
        InstallValues installValues() {
            return NodePoolOptions.installValues(podConfig);
        }

        @Override
        public void close() {
            try {
                runtime.close();
            } finally {
                store.close();
            }
        }
    }

    /** {@link #open}, or null once {@code err} was told why it cannot be. */
    Opened openOrSay(Map<String, String> env, java.io.PrintWriter err) {
        try {
            return open(new EnvironmentCredentials(env));
        } catch (IllegalArgumentException e) {
            err.println("onepanel-workflow: " + e.getMessage());
            return null;
        }
    }

    /**
     * Sets it up for a command.
     *
     * @throws IllegalArgumentException when it cannot run anything, or its node pool file cannot be read; the
     *     message is for people
     */
    Opened open(EnvironmentCredentials credentials) {
        if (kubernetes && !artifacts.usesS3()) {
            throw new IllegalArgumentException("--kubernetes needs an S3 artifact repository (--s3-bucket or "
                    + "ONEPANEL_S3_BUCKET): pods cannot reach " + artifacts.directory);
        }
        PodConfig podConfig;
        LocalImages localImages;
        try {
            ImageEntrypoints entrypoints = images.images();
            podConfig = pods.podConfig().withImages(entrypoints);
            localImages = kubernetes ? null : new LocalImages(entrypoints);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        RoutingArtifactStore store = artifacts.store(credentials);
        return new Opened(podConfig, localImages, store, runtime(store, podConfig, localImages));
    }

    private TaskRuntime runtime(RoutingArtifactStore store, PodConfig podConfig, LocalImages localImages) {
        if (kubernetes) {
            KubernetesRuntimeConfig config = KubernetesRuntimeConfig.defaults().withPod(podConfig)
                    .withPodStartTimeout(PodStartTimeoutOption.effective(podStartTimeout));
            if (namespace != null) {
                config = config.withNamespace(namespace);
            }
            if (context != null) {
                config = config.withContext(context);
            }
            return new KubernetesTaskRuntime(config);
        }
        return new LocalTaskRuntime(work.toAbsolutePath(), store, LocalRuntimeOptions.defaults(), localImages);
    }

    /** For people: where tasks run and artifacts go. */
    String describe() {
        return (kubernetes ? "Kubernetes" : "local processes") + ", artifacts in " + artifacts.describe();
    }
}
