package io.onepanel.workflow.testbed;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A container's environment, built only from what its pod spec gives, as a kubelet builds it:
 * {@code envFrom} first, then {@code env} in order (values may use {@code $(VAR)} of the variables
 * before them), values from the pod's fields, Secrets and ConfigMaps, then {@code PATH} and {@code HOME}
 * (when the spec sets none, as the container runtime adds them) and {@code HOSTNAME}. Never anything of this JVM's own environment: a real pod
 * never sees its node's.
 */
final class ContainerEnvironment {

    /** A reference the kubelet cannot resolve: the container waits with CreateContainerConfigError. */
    static final class ConfigException extends Exception {
        private static final long serialVersionUID = 1L;

        ConfigException(String message) {
            super(message);
        }
    }

    private final KubernetesClient client;

    ContainerEnvironment(KubernetesClient client) {
        this.client = client;
    }

    Map<String, String> of(Pod pod, Container container) throws ConfigException {
        String ns = pod.getMetadata().getNamespace();
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : container.getEnvFrom()) {
            String prefix = from.getPrefix() == null ? "" : from.getPrefix();
            if (from.getConfigMapRef() != null) {
                ConfigMap cm = configMap(ns, from.getConfigMapRef().getName(),
                        Boolean.TRUE.equals(from.getConfigMapRef().getOptional()));
                if (cm != null) {
                    cm.getData().forEach((k, v) -> env.put(prefix + k, v));
                }
            }
            if (from.getSecretRef() != null) {
                Secret s = secret(ns, from.getSecretRef().getName(), Boolean.TRUE.equals(from.getSecretRef().getOptional()));
                if (s != null) {
                    secretData(s).forEach((k, v) -> env.put(prefix + k, v));
                }
            }
        }
        for (EnvVar var : container.getEnv()) {
            if (var.getValueFrom() == null) {
                env.put(var.getName(), VariableExpansion.expand(var.getValue() == null ? "" : var.getValue(), env));
                continue;
            }
            String value = valueFrom(pod, var.getValueFrom());
            if (value != null) {
                env.put(var.getName(), value);
            }
        }
        env.putIfAbsent("PATH", HostTools.DEFAULT_PATH);
        env.putIfAbsent("HOSTNAME", pod.getMetadata().getName());
        env.putIfAbsent("HOME", "/root"); // the runtime sets it from the image's user: root here
        return env;
    }

    private String valueFrom(Pod pod, EnvVarSource from) throws ConfigException {
        String ns = pod.getMetadata().getNamespace();
        if (from.getFieldRef() != null) {
            return field(pod, from.getFieldRef().getFieldPath());
        }
        if (from.getSecretKeyRef() != null) {
            var ref = from.getSecretKeyRef();
            boolean optional = Boolean.TRUE.equals(ref.getOptional());
            Secret s = secret(ns, ref.getName(), optional);
            String value = s == null ? null : secretData(s).get(ref.getKey());
            if (value == null && s != null && !optional) {
                throw new ConfigException("couldn't find key " + ref.getKey() + " in Secret " + ns + "/" + ref.getName());
            }
            return value;
        }
        if (from.getConfigMapKeyRef() != null) {
            var ref = from.getConfigMapKeyRef();
            boolean optional = Boolean.TRUE.equals(ref.getOptional());
            ConfigMap cm = configMap(ns, ref.getName(), optional);
            String value = cm == null ? null : cm.getData().get(ref.getKey());
            if (value == null && cm != null && !optional) {
                throw new ConfigException("couldn't find key " + ref.getKey() + " in ConfigMap " + ns + "/"
                        + ref.getName());
            }
            return value;
        }
        throw new ConfigException("the test bed does not support this env valueFrom (resourceFieldRef): " + from);
    }

    private static String field(Pod pod, String path) throws ConfigException {
        var meta = pod.getMetadata();
        switch (path) {
            case "metadata.name":
                return meta.getName();
            case "metadata.namespace":
                return meta.getNamespace();
            case "metadata.uid":
                return meta.getUid();
            case "spec.nodeName":
                return pod.getSpec().getNodeName();
            case "spec.serviceAccountName":
                return pod.getSpec().getServiceAccountName();
            case "status.podIP", "status.hostIP", "status.podIPs", "status.hostIPs":
                return TestNode.ADDRESS;
            default:
                break;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("metadata\\.(labels|annotations)\\['(.*)'\\]")
                .matcher(path);
        if (m.matches()) {
            Map<String, String> values = m.group(1).equals("labels") ? meta.getLabels() : meta.getAnnotations();
            return values == null ? "" : values.getOrDefault(m.group(2), "");
        }
        throw new ConfigException("unsupported fieldRef fieldPath \"" + path + "\"");
    }

    private ConfigMap configMap(String ns, String name, boolean optional) throws ConfigException {
        ConfigMap cm = client.configMaps().inNamespace(ns).withName(name).get();
        if (cm == null && !optional) {
            throw new ConfigException("configmap \"" + name + "\" not found");
        }
        return cm;
    }

    private Secret secret(String ns, String name, boolean optional) throws ConfigException {
        Secret s = client.secrets().inNamespace(ns).withName(name).get();
        if (s == null && !optional) {
            throw new ConfigException("secret \"" + name + "\" not found");
        }
        return s;
    }

    /** A Secret's values: {@code data} is base64, {@code stringData} plain (the mock API server does not merge them). */
    static Map<String, String> secretData(Secret s) {
        Map<String, String> values = new LinkedHashMap<>();
        s.getData().forEach((k, v) -> values.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        values.putAll(s.getStringData());
        return values;
    }
}
