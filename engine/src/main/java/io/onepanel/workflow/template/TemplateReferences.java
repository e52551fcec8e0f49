package io.onepanel.workflow.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves {@code templateRef} against WorkflowTemplates loaded beside the workflow (the other
 * documents of its file, or library files): the referenced template is copied in under the name
 * {@code <workflowTemplate>:<template>} and the task points at it. A reference that cannot be
 * resolved is left for the validator to report.
 */
public final class TemplateReferences {

    private TemplateReferences() {}

    public static Workflow resolve(Workflow workflow, List<Workflow> library) {
        Map<String, Template> templates = new LinkedHashMap<>(workflow.templates());
        boolean changed = false;
        for (Template t : workflow.templates().values()) {
            if (t.dag() == null || t.dag().tasks().stream().noneMatch(task -> task.templateRef() != null)) {
                continue;
            }
            List<DagTask> tasks = new ArrayList<>();
            for (DagTask task : t.dag().tasks()) {
                TemplateRef ref = task.templateRef();
                Optional<Template> target = ref == null ? Optional.empty() : find(library, ref);
                if (target.isPresent()) {
                    String name = ref.name() + ":" + ref.template();
                    templates.putIfAbsent(name, target.get());
                    task = new DagTask(task.name(), name, ref, task.dependencies(), task.depends(), task.when(),
                            task.arguments(), task.withItems(), task.withParam(), task.withSequence(),
                            task.continueOn(), task.onExit(), task.positions());
                    changed = true;
                }
                tasks.add(task);
            }
            DagSpec dag = new DagSpec(tasks, t.dag().target(), t.dag().failFast(), t.dag().fromSteps(),
                    t.dag().positions());
            templates.put(t.name(), new Template(t.name(), t.type(), t.inputs(), t.outputs(), dag, t.container(),
                    t.script(), t.suspend(), t.retryStrategy(), t.activeDeadlineSeconds(), t.timeout(), t.parallelism(),
                    t.failFast(), t.daemon(), t.metadata(), t.nodeSelector(), t.tolerations(), t.affinity(), t.volumes(),
                    t.sidecars(), t.initContainers(), t.podSpecPatch(), t.serviceAccountName(), t.securityContext(),
                    t.priorityClassName(), t.positions()));
        }
        return changed ? workflow.withTemplates(templates) : workflow;
    }

    private static Optional<Template> find(List<Workflow> library, TemplateRef ref) {
        for (Workflow w : library) {
            boolean kindMatches = ref.clusterScope() == "ClusterWorkflowTemplate".equals(w.kind());
            if (kindMatches && ref.name() != null && ref.name().equals(w.name())) {
                return w.template(ref.template());
            }
        }
        return Optional.empty();
    }
}
