package io.onepanel.workflow.template;

import java.util.List;

/**
 * One task of a DAG.
 *
 * @param withItems items as loaded from YAML: String, Long, Double, Boolean, List or Map values
 * @param depends the enhanced depends expression, or null
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
        Positions positions) {

    public DagTask {
        dependencies = List.copyOf(dependencies);
        withItems = withItems == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(withItems));
    }

    public boolean isLoop() {
        return withItems != null || withParam != null || withSequence != null;
    }
}
