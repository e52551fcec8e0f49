package io.jenkins.plugins.onepanel;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.Util;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.Serial;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;
import org.jenkinsci.Symbol;

/**
 * One entry of Onepanel's node pool catalogue: a kind of machine that tasks select with
 * {@code nodeSelector: {<label key>: <value>}} (a {@code select.nodepool} parameter), and the
 * resource limits a task placed there gets, the way Onepanel attaches GPUs: its templates never
 * write GPU limits themselves.
 */
public final class NodePool implements Describable<NodePool>, Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String name;
    private final String value;
    private String limits;

    /**
     * @param name what users see, e.g. "Tesla V100"
     * @param value the node label value, e.g. "Standard_NC6s_v3"
     */
    @DataBoundConstructor
    public NodePool(String name, String value) {
        this.name = Util.fixNull(name).trim();
        this.value = Util.fixNull(value).trim();
    }

    public String getName() {
        return name;
    }

    public String getValue() {
        return value;
    }

    /** Resource limits as {@code name=quantity} pairs separated by commas, e.g. {@code nvidia.com/gpu=1, cpu=6}. */
    public String getLimits() {
        return limits;
    }

    @DataBoundSetter
    public void setLimits(String limits) {
        this.limits = Util.fixEmptyAndTrim(limits);
    }

    /** The limits as quantities, in the order written. */
    @NonNull
    public Map<String, Quantity> parsedLimits() {
        Map<String, Quantity> parsed = new LinkedHashMap<>();
        if (limits == null) {
            return parsed;
        }
        for (String pair : limits.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new IllegalArgumentException("'" + pair.trim() + "' is not name=quantity");
            }
            String resource = pair.substring(0, eq).trim();
            Quantity quantity = Quantity.parse(pair.substring(eq + 1).trim());
            Quantity.getAmountInBytes(quantity); // rejects what Kubernetes would reject
            parsed.put(resource, quantity);
        }
        return Collections.unmodifiableMap(parsed);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodePool that
                && name.equals(that.name)
                && value.equals(that.value)
                && Objects.equals(limits, that.limits);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, value, limits);
    }

    @Extension
    @Symbol("nodePool")
    public static final class DescriptorImpl extends Descriptor<NodePool> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.NodePool_DisplayName();
        }

        /** Syntax only, so no permission beyond seeing the form. */
        @POST
        public FormValidation doCheckValue(@QueryParameter String value) {
            String v = Util.fixEmptyAndTrim(value);
            if (v == null) {
                return FormValidation.error(Messages.NodePool_ValueRequired());
            }
            if (v.length() > 63 || !v.matches("[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?")) {
                return FormValidation.error(Messages.NodePool_ValueInvalid());
            }
            return FormValidation.ok();
        }

        @POST
        public FormValidation doCheckLimits(@QueryParameter String value) {
            NodePool probe = new NodePool("", "");
            probe.setLimits(value);
            try {
                probe.parsedLimits();
                return FormValidation.ok();
            } catch (RuntimeException e) {
                return FormValidation.error(Messages.NodePool_LimitsInvalid(e.getMessage()));
            }
        }
    }
}
