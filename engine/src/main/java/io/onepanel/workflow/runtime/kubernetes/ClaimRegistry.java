package io.onepanel.workflow.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.onepanel.workflow.runtime.RunInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The PersistentVolumeClaims each run made from its volumeClaimTemplates: created once, before the
 * first pod that mounts one, shared by the run's pods, deleted by {@link #finish} as the workflow's
 * {@code volumeClaimGC} says (Argo's default, {@code OnWorkflowSuccess}, keeps them when the run
 * did not succeed, so its data can be looked at).
 */
final class ClaimRegistry {

    static final String ON_SUCCESS = "OnWorkflowSuccess";
    static final String ON_COMPLETION = "OnWorkflowCompletion";

    private record RunClaims(String namespace, String strategy, Map<String, CompletableFuture<Void>> claims) {}

    private final Map<String, RunClaims> runs = new ConcurrentHashMap<>();
    private final Function<PersistentVolumeClaim, CompletableFuture<Void>> create;
    private final Function<PersistentVolumeClaim, CompletableFuture<Void>> delete;

    /**
     * @param create creates a claim (an existing one of the same name counts as created)
     * @param delete deletes a claim (a missing one counts as deleted)
     */
    ClaimRegistry(Function<PersistentVolumeClaim, CompletableFuture<Void>> create,
            Function<PersistentVolumeClaim, CompletableFuture<Void>> delete) {
        this.create = create;
        this.delete = delete;
    }

    /** Completes when every claim in {@code claims} exists; each is created at most once per run. */
    CompletableFuture<Void> ensure(RunInfo run, String namespace, String gcStrategy, List<PersistentVolumeClaim> claims) {
        if (claims.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        RunClaims rc = runs.computeIfAbsent(run.uid(), uid -> new RunClaims(namespace,
                gcStrategy == null || gcStrategy.isBlank() ? ON_SUCCESS : gcStrategy, new ConcurrentHashMap<>()));
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (PersistentVolumeClaim claim : claims) {
            all.add(rc.claims().computeIfAbsent(claim.getMetadata().getName(), name -> create.apply(claim)));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    /** Deletes the run's claims per its strategy and forgets them. Returns the names deleted. */
    List<String> finish(RunInfo run, boolean succeeded) {
        RunClaims rc = runs.remove(run.uid());
        List<String> deleted = new ArrayList<>();
        if (rc == null || !(succeeded || ON_COMPLETION.equals(rc.strategy()))) {
            return deleted;
        }
        List<CompletableFuture<Void>> deletions = new ArrayList<>();
        for (Map.Entry<String, CompletableFuture<Void>> e : rc.claims().entrySet()) {
            if (!e.getValue().isCompletedExceptionally()) {
                PersistentVolumeClaim claim = new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
                        .withNewMetadata().withName(e.getKey()).withNamespace(rc.namespace()).endMetadata().build();
                deletions.add(delete.apply(claim));
                deleted.add(e.getKey());
            }
        }
        CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, 60, TimeUnit.SECONDS).join();
        return deleted;
    }
}
