package io.onepanel.workflow.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.onepanel.workflow.runtime.RunInfo;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The claims of runs whose pods another program creates (the Jenkins plugin's agent pods, which the
 * Kubernetes plugin creates): made from the run's {@code volumeClaimTemplates} before the first pod
 * that mounts one, shared by the run's pods, deleted when the run ends as its {@code volumeClaimGC}
 * says. The same rules as {@link KubernetesTaskRuntime}'s own claims; calls block the caller.
 */
public final class VolumeClaims {

    private static final Duration CALL_LIMIT = Duration.ofMinutes(2);

    private final KubernetesClient client;
    private final ClaimRegistry registry;

    public VolumeClaims(KubernetesClient client) {
        this.client = client;
        this.registry = new ClaimRegistry(this::create, this::delete);
    }

    /**
     * Makes sure every claim in {@code claims} exists in {@code namespace} (each is created once per
     * run; one that exists already, made by an earlier attempt, is used as it is).
     *
     * @throws IllegalStateException naming the claim and the API server's answer when one cannot be made
     */
    public void ensure(RunInfo run, String namespace, String gcStrategy, List<PersistentVolumeClaim> claims) {
        List<PersistentVolumeClaim> placed = claims.stream()
                .map(c -> new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder(c).editMetadata()
                        .withNamespace(namespace).endMetadata().build())
                .toList();
        try {
            registry.ensure(run, namespace, gcStrategy, placed).get(CALL_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the volume claims of run " + run.workflowName() + " were not made within "
                    + CALL_LIMIT.toMinutes() + " min", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making the volume claims of run " + run.workflowName(),
                    e);
        }
    }

    /** Deletes the run's claims as its {@code volumeClaimGC} says; returns their names. */
    public List<String> finish(RunInfo run, boolean succeeded) {
        try {
            return registry.finish(run, succeeded);
        } catch (CompletionException e) {
            throw new IllegalStateException("deleting the volume claims of run " + run.workflowName() + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    private CompletableFuture<Void> create(PersistentVolumeClaim claim) {
        return CompletableFuture.runAsync(() -> {
            try {
                client.persistentVolumeClaims().inNamespace(claim.getMetadata().getNamespace()).resource(claim)
                        .create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) { // 409: made by an earlier attempt of this run; shared, as intended
                    throw new IllegalStateException("creating volume claim " + claim.getMetadata().getNamespace()
                            + "/" + claim.getMetadata().getName() + ": " + e.getMessage(), e);
                }
            }
        });
    }

    private CompletableFuture<Void> delete(PersistentVolumeClaim claim) {
        return CompletableFuture.runAsync(() -> client.persistentVolumeClaims()
                .inNamespace(claim.getMetadata().getNamespace()).withName(claim.getMetadata().getName()).delete());
    }
}
