package io.jenkins.plugins.onepanel;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.Util;
import hudson.model.Describable;
import hudson.model.Descriptor;
import java.io.Serial;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * A workflow parameter given by the job ({@code {{workflow.parameters.<name>}}}).
 *
 * <p>A list of these is how the step and the build step hold parameters, because Jenkins' data
 * binding has no map type. In a Jenkinsfile {@code parameters: [epochs: '20']} works too: the
 * Pipeline driver turns the map into this list.
 */
public final class WorkflowParameter implements Describable<WorkflowParameter>, Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String name;
    private final String value;

    @DataBoundConstructor
    public WorkflowParameter(String name, String value) {
        this.name = Util.fixNull(name).trim();
        this.value = Util.fixNull(value);
    }

    public String getName() {
        return name;
    }

    public String getValue() {
        return value;
    }

    /** The parameters as the engine takes them; a later entry of the same name wins. */
    @NonNull
    public static Map<String, String> toMap(List<WorkflowParameter> parameters) {
        Map<String, String> map = new LinkedHashMap<>();
        if (parameters != null) {
            for (WorkflowParameter p : parameters) {
                if (!p.name.isEmpty()) {
                    map.put(p.name, p.value);
                }
            }
        }
        return map;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WorkflowParameter that && name.equals(that.name) && value.equals(that.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, value);
    }

    @Override
    public String toString() {
        return name + "=" + value;
    }

    @Extension
    @Symbol("workflowParameter")
    public static final class DescriptorImpl extends Descriptor<WorkflowParameter> {
        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.WorkflowParameter_DisplayName();
        }
    }
}
