package io.onepanel.workflow.testbed;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sets up a pod's volumes as directories on this machine, as a kubelet does before it starts any
 * container: {@code emptyDir} a fresh directory of the pod's, {@code persistentVolumeClaim} the
 * directory of the claim's bound volume, {@code hostPath} the path itself, {@code configMap} and
 * {@code secret} their keys as files. A claim that is missing or not bound yet fails with the
 * kubelet's reason; the kubelet tries again.
 */
final class PodVolumes {

    /** A volume that cannot be set up (yet): the pod stays Pending with a FailedMount event. */
    static final class MountException extends Exception {
        private static final long serialVersionUID = 1L;

        MountException(String message) {
            super(message);
        }
    }

    /** A volume on this machine. */
    record HostVolume(Path path, boolean readOnly) {}

    private final KubernetesClient client;
    private final HostMountPoints createdPaths;

    PodVolumes(KubernetesClient client, HostMountPoints createdPaths) {
        this.client = client;
        this.createdPaths = createdPaths;
    }

    Map<String, HostVolume> setUp(Pod pod, Path podDir) throws MountException, IOException {
        Map<String, HostVolume> volumes = new LinkedHashMap<>();
        for (Volume v : pod.getSpec().getVolumes()) {
            try {
                volumes.put(v.getName(), setUp(pod, v, podDir.resolve("volumes").resolve(v.getName())));
            } catch (MountException e) {
                throw new MountException("MountVolume.SetUp failed for volume \"" + v.getName() + "\" : "
                        + e.getMessage());
            }
        }
        return volumes;
    }

    private HostVolume setUp(Pod pod, Volume v, Path own) throws MountException, IOException {
        String ns = pod.getMetadata().getNamespace();
        if (v.getEmptyDir() != null) {
            return new HostVolume(Files.createDirectories(own), false);
        }
        if (v.getPersistentVolumeClaim() != null) {
            String name = v.getPersistentVolumeClaim().getClaimName();
            PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(ns).withName(name).get();
            if (claim == null) {
                throw new MountException("persistentvolumeclaim \"" + name + "\" not found");
            }
            String volumeName = claim.getSpec() == null ? null : claim.getSpec().getVolumeName();
            boolean bound = claim.getStatus() != null && "Bound".equals(claim.getStatus().getPhase());
            PersistentVolume pv = volumeName == null || !bound ? null
                    : client.persistentVolumes().withName(volumeName).get();
            if (pv == null || pv.getSpec().getHostPath() == null) {
                throw new MountException("persistentvolumeclaim \"" + name + "\" is not bound");
            }
            return new HostVolume(Path.of(pv.getSpec().getHostPath().getPath()),
                    Boolean.TRUE.equals(v.getPersistentVolumeClaim().getReadOnly()));
        }
        if (v.getHostPath() != null) {
            Path path = Path.of(v.getHostPath().getPath());
            String type = v.getHostPath().getType() == null ? "" : v.getHostPath().getType();
            if ((type.isEmpty() || type.equals("DirectoryOrCreate")) && !Files.exists(path)) {
                createdPaths.ensure(path, true);
            } else if (type.equals("Directory") && !Files.isDirectory(path)) {
                throw new MountException("hostPath type check failed: " + path + " is not a directory");
            } else if (type.equals("File") && !Files.isRegularFile(path)) {
                throw new MountException("hostPath type check failed: " + path + " is not a file");
            }
            return new HostVolume(path, false);
        }
        if (v.getConfigMap() != null) {
            ConfigMap cm = client.configMaps().inNamespace(ns).withName(v.getConfigMap().getName()).get();
            if (cm == null && !Boolean.TRUE.equals(v.getConfigMap().getOptional())) {
                throw new MountException("configmap \"" + v.getConfigMap().getName() + "\" not found");
            }
            return files(own, cm == null ? Map.of() : cm.getData(), v.getConfigMap().getItems());
        }
        if (v.getSecret() != null) {
            Secret s = client.secrets().inNamespace(ns).withName(v.getSecret().getSecretName()).get();
            if (s == null && !Boolean.TRUE.equals(v.getSecret().getOptional())) {
                throw new MountException("secret \"" + v.getSecret().getSecretName() + "\" not found");
            }
            return files(own, s == null ? Map.of() : ContainerEnvironment.secretData(s), v.getSecret().getItems());
        }
        throw new MountException("the test bed does not support this kind of volume: " + v);
    }

    /** Keys as files (all of them, or the listed items at their paths); always read-only, as in Kubernetes. */
    private static HostVolume files(Path dir, Map<String, String> data, List<KeyToPath> items) throws IOException,
            MountException {
        Files.createDirectories(dir);
        Map<String, String> paths = new LinkedHashMap<>();
        if (items.isEmpty()) {
            data.keySet().forEach(k -> paths.put(k, k));
        } else {
            for (KeyToPath item : items) {
                if (!data.containsKey(item.getKey())) {
                    throw new MountException("configmap or secret has no key \"" + item.getKey() + "\"");
                }
                paths.put(item.getKey(), item.getPath());
            }
        }
        for (Map.Entry<String, String> e : paths.entrySet()) {
            Path file = dir.resolve(e.getValue()).normalize();
            if (!file.startsWith(dir)) {
                throw new MountException("item path \"" + e.getValue() + "\" leaves the volume");
            }
            Files.createDirectories(file.getParent());
            Files.writeString(file, data.get(e.getKey()), StandardCharsets.UTF_8);
        }
        return new HostVolume(dir, true);
    }
}
