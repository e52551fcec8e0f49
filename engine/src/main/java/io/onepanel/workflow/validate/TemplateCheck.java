package io.onepanel.workflow.validate;

import io.onepanel.workflow.diagnostics.Diagnostic;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.Workflow;
import java.util.List;

/**
 * A check that needs configuration the engine core does not have (the node pool catalogue, an
 * administrator's limits); runtimes and the Jenkins plugin add theirs to the validator.
 */
@FunctionalInterface
public interface TemplateCheck {

    /** Findings about one template that runs a pod, with positions from the template. */
    List<Diagnostic> check(Workflow workflow, Template template);
}
