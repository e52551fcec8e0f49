package io.onepanel.workflow.runtime.local;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.Parameter;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.Workflow;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every path a container or script template declares, checked before anything is fetched or
 * started: absolute, without {@code ..}, not {@code /} and not under {@code /proc}; and every
 * volume mount matched to its volume.
 *
 * @param workingDirDeclared whether the container names its working directory (else
 *     {@code workingDir} is the runtime's default, used only when visible in the task)
 */
record TaskPaths(
        List<VolumePath> volumes,
        List<ArtifactPath> inputs,
        List<ArtifactPath> outputs,
        List<ParameterPath> parameters,
        ContainerPath workingDir,
        boolean workingDirDeclared) {

    /** What backs a volume locally. */
    enum VolumeKind {
        /** {@code emptyDir}: a directory of the attempt's own. */
        EMPTY_DIR,
        /** A claim ({@code volumeClaimTemplates} or {@code persistentVolumeClaim}): one directory per run. */
        SHARED,
        /** {@code hostPath}: the machine's own directory or file. */
        HOST,
        /** Needs the cluster (configMap, secret, nfs, ...): an empty directory of the attempt's own. */
        UNAVAILABLE
    }

    /**
     * @param key for SHARED, the run-wide name of the claim; for HOST, the host path; for the
     *     others, the volume's type
     * @param hostPathType for HOST, Kubernetes' {@code hostPath.type} ("" when not given)
     * @param subPath relative path inside the volume, or "" for all of it
     */
    record VolumePath(ContainerPath path, String name, VolumeKind kind, String key, String hostPathType,
            String subPath, boolean readOnly) {}

    record ArtifactPath(Artifact artifact, ContainerPath path) {}

    record ParameterPath(Parameter parameter, ContainerPath path) {}

    static TaskPaths of(Template template, Workflow workflow, Path defaultWorkingDir) throws LocalRuntimeException {
        Container container = template.mainContainer();
        List<VolumePath> volumes = new ArrayList<>();
        for (VolumeMount mount : container.getVolumeMounts() == null ? List.<VolumeMount>of()
                : container.getVolumeMounts()) {
            volumes.add(volume(mount, template, workflow));
        }
        List<ArtifactPath> inputs = new ArrayList<>();
        for (Artifact artifact : template.inputs() == null ? List.<Artifact>of() : template.inputs().artifacts()) {
            inputs.add(new ArtifactPath(artifact,
                    mountable(artifact.path(), "input artifact '" + artifact.name() + "'")));
        }
        List<ArtifactPath> outputs = new ArrayList<>();
        List<ParameterPath> parameters = new ArrayList<>();
        if (template.outputs() != null) {
            for (Artifact artifact : template.outputs().artifacts()) {
                outputs.add(new ArtifactPath(artifact,
                        mountable(artifact.path(), "output artifact '" + artifact.name() + "'")));
            }
            for (Parameter parameter : template.outputs().parameters()) {
                if (parameter.valueFrom() != null && parameter.valueFrom().path() != null) {
                    parameters.add(new ParameterPath(parameter, mountable(parameter.valueFrom().path(),
                            "output parameter '" + parameter.name() + "'")));
                }
            }
        }
        String workingDir = container.getWorkingDir();
        boolean declared = workingDir != null && !workingDir.isEmpty();
        ContainerPath directory = declared ? ContainerPath.parse(workingDir, "workingDir")
                : ContainerPath.parse(defaultWorkingDir.toAbsolutePath().toString(), "default working directory");
        return new TaskPaths(volumes, inputs, outputs, parameters, directory, declared);
    }

    /** A path something may be mounted at: not the root, not the kernel's /proc. */
    static ContainerPath mountable(String raw, String what) throws LocalRuntimeException {
        ContainerPath path = ContainerPath.parse(raw, what);
        if (path.isRoot()) {
            throw new LocalRuntimeException(what + ": cannot use '/' itself; name a file or directory below it");
        }
        if (path.isWithin(new ContainerPath("/proc"))) {
            throw new LocalRuntimeException(what + ": path '" + path + "' is under /proc, which the kernel provides");
        }
        return path;
    }

    private static VolumePath volume(VolumeMount mount, Template template, Workflow workflow)
            throws LocalRuntimeException {
        String name = mount.getName();
        String what = "volumeMount '" + name + "'";
        ContainerPath path = mountable(mount.getMountPath(), what);
        String subPath = subPath(mount.getSubPath(), what);
        boolean readOnly = Boolean.TRUE.equals(mount.getReadOnly());
        Optional<Volume> volume = find(template.volumes(), name)
                .or(() -> workflow == null ? Optional.empty() : find(workflow.volumes(), name));
        if (volume.isEmpty()) {
            boolean claimed = workflow != null && workflow.volumeClaimTemplates().stream()
                    .map(PersistentVolumeClaim::getMetadata)
                    .anyMatch(metadata -> metadata != null && name.equals(metadata.getName()));
            if (!claimed) {
                throw new LocalRuntimeException(what + ": no volume or volumeClaimTemplate named '" + name + "'");
            }
            return new VolumePath(path, name, VolumeKind.SHARED, "claim-" + name, "", subPath, readOnly);
        }
        Volume v = volume.get();
        if (v.getEmptyDir() != null) {
            return new VolumePath(path, name, VolumeKind.EMPTY_DIR, "emptyDir", "", subPath, readOnly);
        }
        if (v.getPersistentVolumeClaim() != null) {
            return new VolumePath(path, name, VolumeKind.SHARED, "pvc-" + v.getPersistentVolumeClaim().getClaimName(),
                    "", subPath, readOnly);
        }
        if (v.getHostPath() != null) {
            String hostPath = v.getHostPath().getPath();
            if (hostPath == null || !hostPath.startsWith("/")) {
                throw new LocalRuntimeException(what + ": hostPath '" + hostPath + "' is not an absolute path");
            }
            String type = v.getHostPath().getType() == null ? "" : v.getHostPath().getType();
            return new VolumePath(path, name, VolumeKind.HOST, hostPath, type, subPath, readOnly);
        }
        return new VolumePath(path, name, VolumeKind.UNAVAILABLE, typeOf(v), "", subPath, readOnly);
    }

    private static Optional<Volume> find(List<Volume> volumes, String name) {
        return volumes.stream().filter(v -> name.equals(v.getName())).findFirst();
    }

    private static String subPath(String raw, String what) throws LocalRuntimeException {
        if (raw == null || raw.isEmpty()) {
            return "";
        }
        if (raw.startsWith("/")) {
            throw new LocalRuntimeException(what + ": subPath '" + raw + "' must be relative");
        }
        return ContainerPath.parse("/" + raw, what + " subPath").relativeTo(ContainerPath.ROOT);
    }

    private static String typeOf(Volume v) {
        if (v.getConfigMap() != null) {
            return "configMap";
        }
        if (v.getSecret() != null) {
            return "secret";
        }
        if (v.getDownwardAPI() != null) {
            return "downwardAPI";
        }
        if (v.getProjected() != null) {
            return "projected";
        }
        if (v.getNfs() != null) {
            return "nfs";
        }
        return "this kind of volume";
    }
}
