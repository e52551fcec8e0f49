package io.onepanel.workflow.pod;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;

/**
 * A task's pod and what goes with it.
 *
 * @param claims the run's PersistentVolumeClaims (from volumeClaimTemplates) this pod mounts; they
 *     must exist before the pod is created
 * @param plan what the stager does
 * @param stagerVolumeMounts the mounts any stager needs (the exchange volume and the main
 *     container's volumes that hold artifact paths); already on the {@code stager} container when
 *     the pod has one, and for a Jenkins agent to add to its {@code jnlp} container
 */
public record TaskPod(Pod pod, List<PersistentVolumeClaim> claims, StagingPlan plan,
        List<VolumeMount> stagerVolumeMounts) {

    public TaskPod {
        claims = List.copyOf(claims);
        stagerVolumeMounts = List.copyOf(stagerVolumeMounts);
    }

    public String name() {
        return pod.getMetadata().getName();
    }
}
