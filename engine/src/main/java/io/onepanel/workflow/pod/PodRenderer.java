package io.onepanel.workflow.pod;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;

/**
 * YAML that {@code kubectl apply --dry-run=server -f -} accepts: one document per object, no
 * nulls, no empty lists or maps (fabric8's model leaves them out), empty objects only where the
 * API needs them ({@code emptyDir: {}}).
 */
public final class PodRenderer {

    private PodRenderer() {}

    public static String render(HasMetadata object) {
        return Serialization.asYaml(object);
    }

    /** Claims first (they must exist before the pod), then the pod. */
    public static String render(TaskPod taskPod) {
        StringBuilder out = new StringBuilder();
        taskPod.claims().forEach(c -> out.append(render(c)));
        out.append(render(taskPod.pod()));
        return out.toString();
    }

    /** Every pod of a run, each claim once, before the pods. */
    public static String renderAll(List<TaskPod> pods) {
        StringBuilder out = new StringBuilder();
        java.util.Set<String> claims = new java.util.HashSet<>();
        pods.forEach(p -> p.claims().stream()
                .filter(c -> claims.add(c.getMetadata().getName()))
                .forEach(c -> out.append(render(c))));
        pods.forEach(p -> out.append(render(p.pod())));
        return out.toString();
    }
}
