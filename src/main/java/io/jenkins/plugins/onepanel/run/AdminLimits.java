package io.jenkins.plugins.onepanel.run;

import edu.umd.cs.findbugs.annotations.NonNull;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.jenkins.plugins.onepanel.OnepanelWorkflowConfiguration;
import io.onepanel.workflow.diagnostics.Diagnostic;
import io.onepanel.workflow.template.SidecarContainer;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What an administrator allows task pods to do: privileged containers and hostPath volumes. A
 * Jenkins policy rather than a rule of the workflow language, so it is checked here, twice: on
 * the template before anything runs (with positions, like every other diagnostic), and on each
 * final pod, which also covers what a {@code podSpecPatch} adds.
 */
public record AdminLimits(boolean allowPrivileged, boolean allowHostPath) {

    public static AdminLimits of(@NonNull OnepanelWorkflowConfiguration config) {
        return new AdminLimits(config.isAllowPrivileged(), config.isAllowHostPath());
    }

    /** One error per offending container or volume, at its template's position. */
    @NonNull
    public List<Diagnostic> check(@NonNull Workflow workflow) {
        List<Diagnostic> errors = new ArrayList<>();
        if (!allowHostPath) {
            for (Volume v : workflow.volumes()) {
                if (v.getHostPath() != null) {
                    errors.add(Diagnostic.error(
                            workflow.positions().of("volumes"), "hostpath-not-allowed", hostPathMessage(v)));
                }
            }
        }
        for (Template t : workflow.templates().values()) {
            if (!allowPrivileged) {
                containersOf(t)
                        .filter(AdminLimits::isPrivileged)
                        .forEach(c -> errors.add(Diagnostic.error(
                                t.positions().start(), "privileged-not-allowed", privilegedMessage(t.name(), c))));
            }
            if (!allowHostPath) {
                for (Volume v : t.volumes()) {
                    if (v.getHostPath() != null) {
                        errors.add(Diagnostic.error(
                                t.positions().of("volumes"),
                                "hostpath-not-allowed",
                                "template '" + t.name() + "': " + hostPathMessage(v)));
                    }
                }
            }
        }
        return errors;
    }

    /** Why the final pod of an attempt may not run, if it may not. */
    @NonNull
    public Optional<String> violation(@NonNull Pod pod) {
        if (!allowPrivileged) {
            Optional<Container> privileged = Stream.concat(
                            pod.getSpec().getContainers().stream(), pod.getSpec().getInitContainers().stream())
                    .filter(AdminLimits::isPrivileged)
                    .findFirst();
            if (privileged.isPresent()) {
                return Optional.of("container '" + privileged.get().getName()
                        + "' is privileged, which the administrator does not allow");
            }
        }
        if (!allowHostPath) {
            Optional<Volume> hostPath = pod.getSpec().getVolumes().stream()
                    .filter(v -> v.getHostPath() != null)
                    .findFirst();
            if (hostPath.isPresent()) {
                return Optional.of(hostPathMessage(hostPath.get()));
            }
        }
        return Optional.empty();
    }

    private static Stream<Container> containersOf(Template t) {
        return Stream.of(
                        Stream.ofNullable(t.mainContainer()),
                        t.sidecars().stream().map(SidecarContainer::container),
                        t.initContainers().stream().map(SidecarContainer::container))
                .flatMap(s -> s);
    }

    private static boolean isPrivileged(Container c) {
        return c.getSecurityContext() != null
                && Boolean.TRUE.equals(c.getSecurityContext().getPrivileged());
    }

    private static String privilegedMessage(String template, Container c) {
        return "template '" + template + "': container '" + c.getName()
                + "' asks for securityContext.privileged, which the administrator does not allow"
                + " (Manage Jenkins \u2192 System \u2192 Onepanel workflows)";
    }

    private static String hostPathMessage(Volume v) {
        return "volume '" + v.getName() + "' mounts hostPath " + v.getHostPath().getPath()
                + ", which the administrator does not allow (Manage Jenkins \u2192 System \u2192 Onepanel workflows)";
    }
}
