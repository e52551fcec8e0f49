package io.onepanel.workflow.dag;

import io.onepanel.workflow.template.DagTask;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.TemplateRef;
import io.onepanel.workflow.template.TemplateReferences;
import io.onepanel.workflow.template.Workflow;
import java.util.Optional;

/**
 * The template a task (or one item of a loop) runs. A {@code templateRef} whose names hold
 * {@code {{...}}} is resolved here, with the task's or the item's variables, as Argo resolves it when it
 * expands the loop; its candidates were copied into the workflow when it was loaded
 * ({@link TemplateReferences}).
 */
final class TaskTemplates {

    private TaskTemplates() {}

    static Optional<Template> of(DagTask task, Vars vars, Workflow workflow) {
        try {
            return Optional.ofNullable(name(task, vars)).map(workflow.templates()::get);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // an expression in the names that fails: notFound says why
        }
    }

    /** Why {@link #of} found nothing, for the node's message. */
    static String notFound(DagTask task, Vars vars) {
        TemplateRef ref = task.templateRef();
        if (ref == null || !TemplateReferences.isTemplated(ref)) {
            return "template '" + task.template() + "' not found";
        }
        return "templateRef " + ref.name() + "/" + ref.template() + " is " + resolved(ref, vars) + ", which is not"
                + " loaded: put that " + (ref.clusterScope() ? "ClusterWorkflowTemplate" : "WorkflowTemplate")
                + " in the same file (after '---') or pass its file with --library";
    }

    private static String name(DagTask task, Vars vars) {
        TemplateRef ref = task.templateRef();
        if (ref == null || !TemplateReferences.isTemplated(ref)) {
            return task.template();
        }
        String where = "task '" + task.name() + "': templateRef";
        return TemplateReferences.importedName(Substitution.of(vars, where).text(ref.name()),
                Substitution.of(vars, where).text(ref.template()));
    }

    private static String resolved(TemplateRef ref, Vars vars) {
        Substitution names = Substitution.of(vars, "templateRef");
        try {
            return names.text(ref.name()) + "/" + names.text(ref.template()) + " here";
        } catch (IllegalArgumentException e) {
            return "not resolvable here (" + e.getMessage() + ")";
        }
    }
}
