package io.onepanel.workflow.cli;

import io.onepanel.workflow.dag.Durations;
import io.onepanel.workflow.runtime.kubernetes.KubernetesRuntimeConfig;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code --pod-start-timeout}: how long a task's pod may take to start, for {@code run}, {@code resume} and {@code retry}. */
final class PodStartTimeoutOption {

    @Option(names = "--pod-start-timeout", paramLabel = "DURATION", converter = Converter.class,
            description = "With Kubernetes: how long a task's pod may take to start a container (be scheduled, mount "
                    + "its volumes, pull its images) before the attempt ends as an error saying why, from the pod's "
                    + "conditions and events; 0 waits as long as the task's own deadline allows (default: 15m, "
                    + "time for a cluster autoscaler to add a node; resume and retry: what the run had).")
    Duration value;

    /** Go durations as templates write them (90s, 15m, 1h30m) or seconds; 0 is no bound. */
    static final class Converter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            try {
                Duration d = Durations.parse(text);
                if (d.isNegative()) {
                    throw new TypeConversionException("'" + text + "' is negative; give a duration such as 15m, or 0"
                            + " for no bound");
                }
                return d;
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage() + " (0 for no bound)");
            }
        }
    }

    /** What the runtime is given: null (no bound) for 0, the default when nothing was given. */
    static Duration effective(Duration given) {
        if (given == null) {
            return KubernetesRuntimeConfig.DEFAULT_POD_START_TIMEOUT;
        }
        return given.isZero() ? null : given;
    }
}
