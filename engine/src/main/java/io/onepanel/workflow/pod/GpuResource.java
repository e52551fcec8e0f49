package io.onepanel.workflow.pod;

import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.util.Objects;

/**
 * An extended resource that is a GPU ({@code nvidia.com/gpu}, {@code amd.com/gpu}, ...): whole
 * units only, requests equal to limits, and, when a task asks for one, a toleration for the taint
 * GPU nodes carry.
 *
 * @param toleration added to the pod when the task requests this resource; null for none
 */
public record GpuResource(String name, Toleration toleration) {

    public GpuResource {
        Objects.requireNonNull(name, "name");
    }

    /** {@code name}, tolerating the taint of the same key ({@code Exists}, {@code NoSchedule}). */
    public static GpuResource tainted(String name) {
        return new GpuResource(name,
                new TolerationBuilder().withKey(name).withOperator("Exists").withEffect("NoSchedule").build());
    }

    public static final GpuResource NVIDIA = tainted("nvidia.com/gpu");
}
