package io.onepanel.workflow.pod;

import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.List;
import java.util.Objects;

/**
 * The staging container of this project's pods: by default this project's jar, run as
 * {@code java -jar /opt/onepanel-workflow/onepanel-workflow.jar stage} (see docs/pod-contract.md for
 * how to build the image).
 *
 * @param env extra variables, e.g. the artifact repository's endpoint, with credentials from a
 *     secret ({@code valueFrom.secretKeyRef}); never literal secrets
 * @param envFrom e.g. a secret holding the repository's keys
 */
public record StagerSpec(
        String image,
        String imagePullPolicy,
        List<String> command,
        ResourceRequirements resources,
        List<EnvVar> env,
        List<EnvFromSource> envFrom) {

    public static final String DEFAULT_IMAGE = "onepanel-workflow-stager:0.1.0";
    /**
     * The stager is a short process that moves bytes: the quick C1 compiler alone and the serial
     * collector cost it far less CPU than the optimising compiler and G1 (whose compiler threads were
     * a third of its CPU), and in the S3 benchmark moved the same bytes faster; see README,
     * Benchmarks.
     */
    public static final List<String> DEFAULT_COMMAND = List.of("java", "-XX:MaxRAMPercentage=75",
            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", "/opt/onepanel-workflow/onepanel-workflow.jar",
            "stage");

    public StagerSpec {
        Objects.requireNonNull(image, "image");
        command = List.copyOf(command);
        env = List.copyOf(env);
        envFrom = List.copyOf(envFrom);
    }

    public static StagerSpec defaults() {
        return new StagerSpec(DEFAULT_IMAGE, "IfNotPresent", DEFAULT_COMMAND,
                new ResourceRequirementsBuilder()
                        .addToRequests("cpu", new Quantity("50m"))
                        .addToRequests("memory", new Quantity("128Mi"))
                        .addToLimits("memory", new Quantity("512Mi"))
                        .build(),
                List.of(), List.of());
    }

    public StagerSpec withImage(String newImage) {
        return new StagerSpec(newImage, imagePullPolicy, command, resources, env, envFrom);
    }

    public StagerSpec withEnv(List<EnvVar> newEnv) {
        return new StagerSpec(image, imagePullPolicy, command, resources, newEnv, envFrom);
    }
}
