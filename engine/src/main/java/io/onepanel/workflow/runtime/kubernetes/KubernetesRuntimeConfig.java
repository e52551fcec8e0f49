package io.onepanel.workflow.runtime.kubernetes;

import io.onepanel.workflow.pod.PodConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * How the Kubernetes runtime talks to the cluster and treats its pods.
 *
 * @param namespace where pods go when a run names none; null: the kubeconfig context's namespace,
 *     else the in-cluster namespace, else {@code default}
 * @param context the kubeconfig context; null for the current one
 * @param qps API requests per second this runtime sends at most, steady state (Argo's controller:
 *     {@code --qps 20})
 * @param burst requests it may send at once before {@code qps} applies (Argo: {@code --burst 30})
 * @param requestRetries fabric8's retries with backoff for failed requests (5xx, connection errors)
 * @param apiThreads threads that wait on blocking API calls
 * @param failedPodRetention what happens to the pod of a failed or errored attempt
 * @param stagerGracePeriod how long the stager may take to report once the main container ended
 * @param podStartTimeout how long a pod may take to start its first container (be scheduled, mount its
 *     volumes, pull its images) before the attempt ends as an Error with the reason from the pod's
 *     conditions and events; null waits until the task's own timeout, as Argo does. The default,
 *     {@link #DEFAULT_POD_START_TIMEOUT}, leaves a cluster autoscaler time to add a GPU node and
 *     a large image time to be pulled
 * @param failOnImagePullBackOff whether {@code ImagePullBackOff} ends the attempt as ERROR at once
 *     (kubelet would retry forever; a typo in an image name is the usual cause)
 */
public record KubernetesRuntimeConfig(
        String namespace,
        String context,
        double qps,
        int burst,
        int requestRetries,
        int apiThreads,
        FailedPodRetention failedPodRetention,
        Duration stagerGracePeriod,
        Duration podStartTimeout,
        boolean failOnImagePullBackOff,
        PodConfig pod) {

    /** Argo's workflow-controller defaults ({@code cmd/workflow-controller/main.go}). */
    public static final double DEFAULT_QPS = 20;
    public static final int DEFAULT_BURST = 30;
    /**
     * A node from a cluster autoscaler (and its GPU driver) usually takes 3 to 10 minutes, a
     * multi-gigabyte image a few minutes to pull; a pod that has not started after 15 rarely will
     * (no pool fits, a quota, a claim that does not exist).
     */
    public static final Duration DEFAULT_POD_START_TIMEOUT = Duration.ofMinutes(15);

    public enum FailedPodRetention {
        /** Delete it as soon as its result is known (logs then live only in the run's output). */
        DELETE,
        /** Leave it for {@code kubectl describe/logs}; it is labelled and found by its run uid. */
        KEEP
    }

    public KubernetesRuntimeConfig {
        if (qps <= 0 || burst < 1) {
            throw new IllegalArgumentException("qps must be > 0 and burst >= 1, got qps " + qps + ", burst " + burst);
        }
        if (apiThreads < 1) {
            throw new IllegalArgumentException("apiThreads must be >= 1");
        }
        Objects.requireNonNull(failedPodRetention, "failedPodRetention");
        Objects.requireNonNull(stagerGracePeriod, "stagerGracePeriod");
        Objects.requireNonNull(pod, "pod");
    }

    public static KubernetesRuntimeConfig defaults() {
        return new KubernetesRuntimeConfig(null, null, DEFAULT_QPS, DEFAULT_BURST, 3, 8, FailedPodRetention.DELETE,
                Duration.ofMinutes(2), DEFAULT_POD_START_TIMEOUT, true, PodConfig.defaults());
    }

    public KubernetesRuntimeConfig withNamespace(String value) {
        return new KubernetesRuntimeConfig(value, context, qps, burst, requestRetries, apiThreads, failedPodRetention,
                stagerGracePeriod, podStartTimeout, failOnImagePullBackOff, pod);
    }

    public KubernetesRuntimeConfig withContext(String value) {
        return new KubernetesRuntimeConfig(namespace, value, qps, burst, requestRetries, apiThreads,
                failedPodRetention, stagerGracePeriod, podStartTimeout, failOnImagePullBackOff, pod);
    }

    public KubernetesRuntimeConfig withRate(double newQps, int newBurst) {
        return new KubernetesRuntimeConfig(namespace, context, newQps, newBurst, requestRetries, apiThreads,
                failedPodRetention, stagerGracePeriod, podStartTimeout, failOnImagePullBackOff, pod);
    }

    public KubernetesRuntimeConfig withRequestRetries(int value) {
        return new KubernetesRuntimeConfig(namespace, context, qps, burst, value, apiThreads, failedPodRetention,
                stagerGracePeriod, podStartTimeout, failOnImagePullBackOff, pod);
    }

    public KubernetesRuntimeConfig withFailedPodRetention(FailedPodRetention value) {
        return new KubernetesRuntimeConfig(namespace, context, qps, burst, requestRetries, apiThreads, value,
                stagerGracePeriod, podStartTimeout, failOnImagePullBackOff, pod);
    }

    public KubernetesRuntimeConfig withStagerGracePeriod(Duration value) {
        return new KubernetesRuntimeConfig(namespace, context, qps, burst, requestRetries, apiThreads,
                failedPodRetention, value, podStartTimeout, failOnImagePullBackOff, pod);
    }

    public KubernetesRuntimeConfig withPodStartTimeout(Duration value) {
        return new KubernetesRuntimeConfig(namespace, context, qps, burst, requestRetries, apiThreads,
                failedPodRetention, stagerGracePeriod, value, failOnImagePullBackOff, pod);
    }

    public KubernetesRuntimeConfig withPod(PodConfig value) {
        return new KubernetesRuntimeConfig(namespace, context, qps, burst, requestRetries, apiThreads,
                failedPodRetention, stagerGracePeriod, podStartTimeout, failOnImagePullBackOff, value);
    }
}
