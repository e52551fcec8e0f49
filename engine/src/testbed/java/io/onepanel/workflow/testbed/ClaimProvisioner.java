package io.onepanel.workflow.testbed;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Binds every new claim to a fresh directory of this machine, as the local-path provisioner does
 * (a PersistentVolume with that {@code hostPath}, the claim Bound to it at once, whatever its
 * storage class), and protects it as Kubernetes does: a claim's deletion waits until no pod that
 * mounts it is still running ({@code kubernetes.io/pvc-protection}), then its volume and directory
 * go (reclaim policy Delete).
 */
final class ClaimProvisioner implements AutoCloseable {

    static final String PROTECTION = "kubernetes.io/pvc-protection";
    static final String STORAGE_CLASS = "testbed-local-path";

    private final KubernetesClient client;
    private final EventRecorder events;
    private final Path claimsDir;
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final ReconcileLoop loop;
    private SharedIndexInformer<PersistentVolumeClaim> claims;

    ClaimProvisioner(KubernetesClient client, EventRecorder events, Path claimsDir) {
        this.client = client;
        this.events = events;
        this.claimsDir = claimsDir;
        this.loop = new ReconcileLoop("testbed-claims", this::reconcile);
    }

    void start() {
        // Resynced every second: a deletion waiting for its pods to end is looked at again (pods are not watched).
        claims = client.persistentVolumeClaims().inAnyNamespace().inform(loop.onChange(), 1000);
    }

    List<String> failures() {
        return failures;
    }

    private void reconcile() {
        for (PersistentVolumeClaim c : claims.getStore().list()) {
            try {
                if (c.getMetadata().getDeletionTimestamp() != null) {
                    if (!inUse(c)) {
                        release(c);
                    }
                } else if (c.getSpec().getVolumeName() == null || c.getStatus() == null
                        || !"Bound".equals(c.getStatus().getPhase())) {
                    provision(c);
                }
            } catch (IOException | RuntimeException e) {
                failures.add("claim " + c.getMetadata().getNamespace() + "/" + c.getMetadata().getName() + ": " + e);
            }
        }
    }

    /** Asks the API server, not a cache: a claim's directory must never go while a pod still uses it. */
    private boolean inUse(PersistentVolumeClaim c) {
        for (Pod p : client.pods().inNamespace(c.getMetadata().getNamespace()).list().getItems()) {
            String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
            boolean running = !"Succeeded".equals(phase) && !"Failed".equals(phase);
            if (running && p.getSpec().getVolumes().stream().anyMatch(v -> v.getPersistentVolumeClaim() != null
                            && v.getPersistentVolumeClaim().getClaimName().equals(c.getMetadata().getName()))) {
                return true;
            }
        }
        return false;
    }

    private void provision(PersistentVolumeClaim c) throws IOException {
        String ns = c.getMetadata().getNamespace();
        String name = c.getMetadata().getName();
        String volume = "pvc-" + c.getMetadata().getUid();
        Path dir = Files.createDirectories(directory(c));
        Quantity size = c.getSpec().getResources() == null ? null : c.getSpec().getResources().getRequests().get("storage");
        Map<String, Quantity> capacity = size == null ? Map.of() : Map.of("storage", size);
        PersistentVolume pv = new PersistentVolumeBuilder()
                .withNewMetadata().withName(volume).endMetadata()
                .withNewSpec()
                .withCapacity(capacity)
                .withAccessModes(c.getSpec().getAccessModes())
                .withPersistentVolumeReclaimPolicy("Delete")
                .withStorageClassName(c.getSpec().getStorageClassName() != null ? c.getSpec().getStorageClassName()
                        : STORAGE_CLASS)
                .withNewHostPath().withPath(dir.toString()).withType("DirectoryOrCreate").endHostPath()
                .withNewClaimRef().withNamespace(ns).withName(name).withUid(c.getMetadata().getUid()).endClaimRef()
                .endSpec()
                .withNewStatus().withPhase("Bound").endStatus()
                .build();
        if (client.persistentVolumes().withName(volume).get() == null) {
            client.persistentVolumes().resource(pv).create();
        }
        var resource = client.persistentVolumeClaims().inNamespace(ns).withName(name);
        resource.edit(claim -> {
            List<String> finalizers = new ArrayList<>(claim.getMetadata().getFinalizers());
            if (!finalizers.contains(PROTECTION)) {
                finalizers.add(PROTECTION);
            }
            claim.getMetadata().setFinalizers(finalizers);
            claim.getSpec().setVolumeName(volume);
            return claim;
        });
        resource.editStatus(claim -> {
            claim.setStatus(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder().withPhase("Bound")
                    .withCapacity(capacity).withAccessModes(c.getSpec().getAccessModes()).build());
            return claim;
        });
        events.record(c, "testbed-local-path-provisioner", EventRecorder.NORMAL, "ProvisioningSucceeded",
                "Successfully provisioned volume " + volume + " at " + dir);
    }

    private void release(PersistentVolumeClaim c) throws IOException {
        DirectoryTree.delete(directory(c));
        if (c.getSpec().getVolumeName() != null) {
            client.persistentVolumes().withName(c.getSpec().getVolumeName()).delete();
        }
        try {
            client.persistentVolumeClaims().inNamespace(c.getMetadata().getNamespace()).withName(c.getMetadata()
                    .getName()).edit(claim -> {
                        List<String> finalizers = new ArrayList<>(claim.getMetadata().getFinalizers());
                        finalizers.remove(PROTECTION);
                        claim.getMetadata().setFinalizers(finalizers);
                        return claim;
                    });
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    private Path directory(PersistentVolumeClaim c) {
        return claimsDir.resolve(c.getMetadata().getNamespace() + "_" + c.getMetadata().getName() + "_"
                + c.getMetadata().getUid());
    }

    @Override
    public void close() {
        if (claims != null) {
            claims.stop();
        }
        loop.close();
    }
}
