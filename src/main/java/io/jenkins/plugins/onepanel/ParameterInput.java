package io.jenkins.plugins.onepanel;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import io.onepanel.workflow.template.Parameter;
import io.onepanel.workflow.template.ParameterOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One input of the freestyle build step's parameter form, as Onepanel's parameter metadata
 * describes it: its label ({@code displayName}), hint, kind of input ({@code type}), choices
 * ({@code options}, or the node pool catalogue for {@code select.nodepool}) and whether it is
 * shown at all ({@code visibility}, {@code input.hidden}).
 */
public final class ParameterInput {

    private final String name;
    private final String label;
    private final String hint;
    private final String kind;
    private final List<Choice> options;
    private final String value;
    private final boolean readOnly;
    private final boolean required;

    private ParameterInput(
            String name,
            String label,
            String hint,
            String kind,
            List<Choice> options,
            String value,
            boolean readOnly,
            boolean required) {
        this.name = name;
        this.label = label;
        this.hint = hint;
        this.kind = kind;
        this.options = options;
        this.value = value;
        this.readOnly = readOnly;
        this.required = required;
    }

    /**
     * The input for a workflow parameter, or null when Onepanel would not show it: hidden types and
     * the {@code internal} and {@code private} visibilities keep the template's value.
     *
     * @param given the value the job has set, or null for the template's
     */
    @CheckForNull
    static ParameterInput of(@NonNull Parameter p, @CheckForNull String given, @NonNull List<NodePool> nodePools) {
        String type = p.type() == null ? "input.text" : p.type().toLowerCase(Locale.ROOT);
        String visibility = p.visibility() == null ? "public" : p.visibility().toLowerCase(Locale.ROOT);
        if (type.equals("input.hidden")
                || type.equals("hidden")
                || visibility.equals("internal")
                || visibility.equals("private")) {
            return null;
        }
        String kind;
        List<Choice> options = p.options().stream().map(Choice::of).collect(Collectors.toCollection(ArrayList::new));
        switch (type) {
            case "input.number" -> kind = "number";
            case "input.radio" -> kind = "radio";
            case "select.select" -> kind = "select";
            case "select.nodepool" -> {
                kind = "select";
                options.clear();
                nodePools.forEach(pool -> options.add(new Choice(pool.getName(), pool.getValue())));
            }
            case "textarea.textarea" -> kind = "textarea";
            default -> kind = "text";
        }
        if (kind.equals("select") && options.isEmpty()) {
            kind = "text"; // nothing to choose from (no node pools configured): let the value be typed
        }
        String value = given != null ? given : p.value() != null ? p.value() : p.defaultValue();
        return new ParameterInput(
                p.name(),
                p.displayName() != null ? p.displayName() : p.name(),
                p.hint() != null ? p.hint() : p.description(),
                kind,
                List.copyOf(options),
                value == null ? "" : value,
                visibility.equals("protected"),
                p.isRequired());
    }

    /** A value the job sets for a parameter the template does not describe (or no template is known yet). */
    @NonNull
    static ParameterInput plain(@NonNull String name, @NonNull String value) {
        return new ParameterInput(name, name, null, "text", List.of(), value, false, false);
    }

    public String getName() {
        return name;
    }

    public String getLabel() {
        return label;
    }

    @CheckForNull
    public String getHint() {
        return hint;
    }

    /** text, number, radio, select or textarea. */
    public String getKind() {
        return kind;
    }

    public List<Choice> getOptions() {
        return options;
    }

    public String getValue() {
        return value;
    }

    /** Onepanel's {@code protected}: shown, not changed. */
    public boolean isReadOnly() {
        return readOnly;
    }

    public boolean isRequired() {
        return required;
    }

    /** One choice of a select or radio input (a bean, for Jelly). */
    public static final class Choice {
        private final String name;
        private final String value;

        Choice(String name, String value) {
            this.name = name;
            this.value = value;
        }

        static Choice of(ParameterOption option) {
            return new Choice(option.name() != null ? option.name() : option.value(), option.value());
        }

        public String getName() {
            return name;
        }

        public String getValue() {
            return value;
        }
    }
}
