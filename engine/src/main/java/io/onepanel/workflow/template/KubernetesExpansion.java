package io.onepanel.workflow.template;

/**
 * Kubernetes' expansion of a container's {@code command}, {@code args} and {@code env} values: a
 * {@code $(VAR)} naming a variable of the container's environment becomes its value, {@code $$}
 * becomes {@code $}, anything else stays. Text the engine puts there that is data (a parameter's
 * value, an earlier task's output, a script's source) must reach the process as it is.
 */
public final class KubernetesExpansion {

    private KubernetesExpansion() {}

    /** The text that Kubernetes expands to {@code value}: every {@code $} doubled. */
    public static String literal(String value) {
        return value == null || value.indexOf('$') < 0 ? value : value.replace("$", "$$");
    }
}
