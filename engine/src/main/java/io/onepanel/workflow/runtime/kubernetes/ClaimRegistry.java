package io.onepanel.workflow.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.onepanel.workflow.runtime.RunInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /** @param adopted claims an earlier process of the run may have made: collected, never created here */
    private record RunClaims(String namespace, String strategy, Map<String, CompletableFuture<Void>> claims,
            Set<String> adopted) {}

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
        RunClaims rc = of(run, namespace, gcStrategy);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (PersistentVolumeClaim claim : claims) {
            all.add(rc.claims().computeIfAbsent(claim.getMetadata().getName(), name -> create.apply(claim)));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    /**
     * Counts {@code claims} as the run's for {@link #finish} without creating them: a resumed run's
     * claims, which the earlier process of the run may have made. One still missing is created by
     * {@link #ensure} when a pod needs it.
     */
    void adopt(RunInfo run, String namespace, String gcStrategy, List<PersistentVolumeClaim> claims) {
        RunClaims rc = of(run, namespace, gcStrategy);
        claims.forEach(c -> rc.adopted().add(c.getMetadata().getName()));
    }

    private RunClaims of(RunInfo run, String namespace, String gcStrategy) {
        return runs.computeIfAbsent(run.uid(), uid -> new RunClaims(namespace,
                gcStrategy == null || gcStrategy.isBlank() ? ON_SUCCESS : gcStrategy, new ConcurrentHashMap<>(),
                ConcurrentHashMap.newKeySet()));
    }

    /** Deletes the run's claims per its strategy and forgets them. Returns the names deleted. */
    List<String> finish(RunInfo run, boolean succeeded) {
        RunClaims rc = runs.remove(run.uid());
        List<String> deleted = new ArrayList<>();
        if (rc == null || !(succeeded || ON_COMPLETION.equals(rc.strategy()))) {
            return deleted;
        }
        Set<String> names = new java.util.TreeSet<>(rc.adopted());
        rc.claims().forEach((name, made) -> {
            if (!made.isCompletedExceptionally()) {
                names.add(name);
            }
        });
        List<CompletableFuture<Void>> deletions = new ArrayList<>();
        for (String name : names) {
            PersistentVolumeClaim claim = new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
                    .withNewMetadata().withName(name).withNamespace(rc.namespace()).endMetadata().build();
            deletions.add(delete.apply(claim));
            deleted.add(name);
        }
        CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, 60, TimeUnit.SECONDS).join();
        return deleted;
    }
}
