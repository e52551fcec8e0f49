package io.onepanel.workflow.template;

/**
 * One of Argo's lifecycle hooks ({@code hooks:} on a workflow or a DAG task): under the key
 * {@code exit} a template that runs when its owner ends (an exit handler with arguments); under any
 * other key a template that runs once, beside its owner, when {@code expression} first holds.
 *
 * @param templateRef set when the hook names a template of another WorkflowTemplate (not run here)
 * @param expression an expr-language condition; null for {@code exit}
 */
public record LifecycleHook(String template, TemplateRef templateRef, Arguments arguments, String expression,
        Positions positions) {

    /** The key that makes a hook an exit handler. */
    public static final String EXIT = "exit";
}
