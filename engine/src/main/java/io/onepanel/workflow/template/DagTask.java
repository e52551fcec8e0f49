package io.onepanel.workflow.template;

import java.util.List;

/**
 * One task of a DAG.
 *
 * @param withItems items as loaded from YAML: String, Long, Double, Boolean, List or Map values
 * @param depends the enhanced depends expression, or null
 * @param hooks lifecycle hooks by name ({@link LifecycleHook#EXIT} or a name with an expression)
 */
public record DagTask(
        String name,
        String template,
        TemplateRef templateRef,
        List<String> dependencies,
        String depends,
        String when,
        Arguments arguments,
        List<Object> withItems,
        String withParam,
        Sequence withSequence,
        ContinueOn continueOn,
        String onExit,
        Positions positions,
        java.util.Map<String, LifecycleHook> hooks) {

    public DagTask {
        dependencies = List.copyOf(dependencies);
        hooks = hooks == null ? java.util.Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(hooks));
        withItems = withItems == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(withItems));
    }

    /** A task without lifecycle hooks. */
    public DagTask(String name, String template, TemplateRef templateRef, List<String> dependencies, String depends,
            String when, Arguments arguments, List<Object> withItems, String withParam, Sequence withSequence,
            ContinueOn continueOn, String onExit, Positions positions) {
        this(name, template, templateRef, dependencies, depends, when, arguments, withItems, withParam, withSequence,
                continueOn, onExit, positions, java.util.Map.of());
    }

    public boolean isLoop() {
        return withItems != null || withParam != null || withSequence != null;
    }
}
