package io.onepanel.workflow.runtime.local;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a container runs, in Kubernetes' terms but without the image: {@code command} replaces the
 * entrypoint and {@code args} follow it; with no command, the image's entrypoint would run with the
 * args, which the local runtime cannot know: it runs only when {@link LocalImages} maps the image to a
 * local command. {@code ARGO_PROGRESS_FILE} names a file in the task's own {@code /tmp}, as Argo
 * names one for a task to report its progress (docs/progress.md). {@code env}
 * literals are set on top of the base environment, {@code $(VAR)} references are expanded as the
 * kubelet does, and {@code valueFrom} entries that need the cluster are reported and left out.
 *
 * @param argv the program and its arguments
 * @param environment the complete environment of the process
 * @param warnings what could not be provided locally, one line each
 */
record ContainerCommand(List<String> argv, Map<String, String> environment, List<String> warnings) {

    ContainerCommand {
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
        warnings = List.copyOf(warnings);
    }

    /**
     * @param scriptPath for a script template, the path its source is read from; appended to the
     *     arguments as Argo's controller does ({@code executeScript} in {@code operator.go}); else null
     */
    static ContainerCommand of(Container container, String scriptPath, Map<String, String> baseEnvironment,
            String podName, String namespace) throws LocalRuntimeException {
        return of(container, scriptPath, baseEnvironment, podName, namespace, LocalImages.NONE);
    }

    /** Argo's variable naming the file a task may write its progress to, {@code N/M}. */
    static final String PROGRESS_VARIABLE = "ARGO_PROGRESS_FILE";
    /** In the task's own /tmp, which no other task sees. */
    static final String PROGRESS_FILE = "/tmp/argo-progress";

    /**
     * @param images what stands for an image's entrypoint when the container has no command
     */
    static ContainerCommand of(Container container, String scriptPath, Map<String, String> baseEnvironment,
            String podName, String namespace, LocalImages images) throws LocalRuntimeException {
        List<String> warnings = new ArrayList<>();
        Map<String, String> declared = new LinkedHashMap<>();
        for (EnvVar variable : nullToEmpty(container.getEnv())) {
            String name = variable.getName();
            EnvVarSource source = variable.getValueFrom();
            if (source == null) {
                declared.put(name, expand(variable.getValue() == null ? "" : variable.getValue(), declared));
                continue;
            }
            String value = fieldValue(source, podName, namespace);
            if (value != null) {
                declared.put(name, value);
            } else {
                warnings.add("env " + name + ": valueFrom." + sourceKind(source)
                        + " cannot be resolved on this machine; the variable is not set");
            }
        }
        for (EnvFromSource source : nullToEmpty(container.getEnvFrom())) {
            String what = source.getConfigMapRef() != null ? "configMapRef " + source.getConfigMapRef().getName()
                    : source.getSecretRef() != null ? "secretRef " + source.getSecretRef().getName() : "source";
            warnings.add("envFrom " + what + " cannot be read on this machine; its variables are not set");
        }

        List<String> command = nullToEmpty(container.getCommand());
        List<String> args = nullToEmpty(container.getArgs());
        if (command.isEmpty()) {
            command = images.entrypoint(container.getImage()).orElseThrow(() -> new LocalRuntimeException(
                    (args.isEmpty() ? "no command and no args: " : "args but no command: ")
                            + LocalImages.whatWouldRun(container)));
            if (command.isEmpty() && args.isEmpty()) {
                throw new LocalRuntimeException("no command and no args: the images file maps image "
                        + container.getImage() + " to no command, so there is nothing to run; give the container a"
                        + " command");
            }
        }
        List<String> argv = new ArrayList<>();
        command.forEach(word -> argv.add(expand(word, declared)));
        args.forEach(word -> argv.add(expand(word, declared)));
        if (scriptPath != null) {
            argv.add(scriptPath);
        }

        Map<String, String> environment = new LinkedHashMap<>(baseEnvironment);
        environment.put(PROGRESS_VARIABLE, PROGRESS_FILE); // the template's own env wins, as on a cluster
        environment.putAll(declared);
        return new ContainerCommand(argv, environment, warnings);
    }

    /** Downward API fields that have a meaning outside a cluster. */
    private static String fieldValue(EnvVarSource source, String podName, String namespace) {
        if (source.getFieldRef() == null) {
            return null;
        }
        return switch (String.valueOf(source.getFieldRef().getFieldPath())) {
            case "metadata.name" -> podName;
            case "metadata.namespace" -> namespace;
            default -> null;
        };
    }

    private static String sourceKind(EnvVarSource source) {
        if (source.getSecretKeyRef() != null) {
            return "secretKeyRef";
        }
        if (source.getConfigMapKeyRef() != null) {
            return "configMapKeyRef";
        }
        if (source.getResourceFieldRef() != null) {
            return "resourceFieldRef";
        }
        if (source.getFieldRef() != null) {
            return "fieldRef " + source.getFieldRef().getFieldPath();
        }
        return "source";
    }

    /**
     * Kubernetes' dependent-variable expansion: {@code $(NAME)} becomes the value of a variable
     * declared earlier in the container's env, {@code $$} an escaped {@code $}; anything else stays.
     */
    static String expand(String text, Map<String, String> variables) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$' || i + 1 == text.length()) {
                out.append(c);
                i++;
            } else if (text.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (text.charAt(i + 1) == '(') {
                int close = text.indexOf(')', i + 2);
                String name = close < 0 ? null : text.substring(i + 2, close);
                if (name != null && variables.containsKey(name)) {
                    out.append(variables.get(name));
                    i = close + 1;
                } else {
                    out.append(c);
                    i++;
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
