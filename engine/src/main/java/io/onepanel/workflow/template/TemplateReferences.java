package io.onepanel.workflow.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves {@code templateRef} against WorkflowTemplates loaded beside the workflow (the other
 * documents of its file, or library files): the referenced template is copied in under the name
 * {@code <workflowTemplate>:<template>} and the task points at it. A copied DAG template is
 * resolved in its own WorkflowTemplate: its plain {@code template:} names (and {@code onExit})
 * are that WorkflowTemplate's templates, copied in the same way, and its own {@code templateRef}s
 * are followed too. A reference that cannot be resolved is left for the validator to report.
 *
 * <p>A reference whose names hold {@code {{...}}} (such as {@code {{item.template}}}) is resolved as
 * the task runs, as Argo resolves it per loop item: every template it may name is copied in.
 */
public final class TemplateReferences {

    private TemplateReferences() {}

    public static Workflow resolve(Workflow workflow, List<Workflow> library) {
        Map<String, Template> templates = new LinkedHashMap<>(workflow.templates());
        boolean changed = false;
        for (Template t : workflow.templates().values()) {
            if (t.dag() != null && t.dag().tasks().stream().anyMatch(task -> task.templateRef() != null)) {
                templates.put(t.name(), rewrite(t, null, library, templates));
                changed = true;
            }
        }
        return changed ? workflow.withTemplates(templates) : workflow;
    }

    /**
     * A DAG template with its tasks pointing at copied-in templates.
     *
     * @param home the WorkflowTemplate the template came from; null for the workflow itself, whose
     *     plain template names need no change
     */
    private static Template rewrite(Template t, Workflow home, List<Workflow> library, Map<String, Template> into) {
        List<DagTask> tasks = new ArrayList<>();
        for (DagTask task : t.dag().tasks()) {
            String template = task.template();
            String onExit = task.onExit();
            TemplateRef ref = task.templateRef();
            if (ref != null && isTemplated(ref)) {
                // Argo resolves the names as it runs the task (per loop item): every template they may
                // name is copied in, and the run picks one by the substituted names (TaskTemplates).
                for (Workflow w : library) {
                    if (kindMatches(ref, w) && matches(ref.name(), w.name())) {
                        for (String name : w.templates().keySet()) {
                            if (matches(ref.template(), name)) {
                                importTemplate(w, name, library, into);
                            }
                        }
                    }
                }
            } else if (ref != null) {
                Optional<Workflow> owner = owner(library, ref);
                if (owner.isPresent() && owner.get().template(ref.template()).isPresent()) {
                    template = importTemplate(owner.get(), ref.template(), library, into);
                }
            } else if (home != null && template != null && home.template(template).isPresent()) {
                template = importTemplate(home, template, library, into);
            }
            if (home != null && onExit != null && home.template(onExit).isPresent()) {
                onExit = importTemplate(home, onExit, library, into);
            }
            tasks.add(new DagTask(task.name(), template, ref, task.dependencies(), task.depends(), task.when(),
                    task.arguments(), task.withItems(), task.withParam(), task.withSequence(), task.continueOn(),
                    onExit, task.positions(), task.hooks()));
        }
        DagSpec dag = new DagSpec(tasks, t.dag().target(), t.dag().failFast(), t.dag().fromSteps(),
                t.dag().positions());
        return new Template(t.name(), t.type(), t.inputs(), t.outputs(), dag, t.container(),
                t.script(), t.suspend(), t.retryStrategy(), t.activeDeadlineSeconds(), t.timeout(), t.parallelism(),
                t.failFast(), t.daemon(), t.metadata(), t.nodeSelector(), t.tolerations(), t.affinity(), t.volumes(),
                t.sidecars(), t.initContainers(), t.podSpecPatch(), t.serviceAccountName(), t.securityContext(),
                t.priorityClassName(), t.positions());
    }

    /** Copies {@code owner}'s template in (once) and returns the name it has in the workflow. */
    private static String importTemplate(Workflow owner, String templateName, List<Workflow> library,
            Map<String, Template> into) {
        String name = importedName(owner.name(), templateName);
        if (!into.containsKey(name)) {
            Template source = owner.template(templateName).orElseThrow();
            into.put(name, source); // placeholder first: a template that refers to itself terminates
            if (source.dag() != null) {
                into.put(name, rewrite(source, owner, library, into));
            }
        }
        return name;
    }

    private static Optional<Workflow> owner(List<Workflow> library, TemplateRef ref) {
        for (Workflow w : library) {
            if (kindMatches(ref, w) && ref.name() != null && ref.name().equals(w.name())) {
                return Optional.of(w);
            }
        }
        return Optional.empty();
    }

    /** The name a template of a (Cluster)WorkflowTemplate has once copied into a workflow. */
    public static String importedName(String workflowTemplate, String template) {
        return workflowTemplate + ":" + template;
    }

    /** Whether the reference's names hold {@code {{...}}}, to be resolved when the task runs. */
    public static boolean isTemplated(TemplateRef ref) {
        return ref.name() != null && ref.name().contains("{{") || ref.template() != null && ref.template().contains("{{");
    }

    /** The copied-in templates a templated reference may name when it runs. */
    public static List<Template> candidates(TemplateRef ref, Map<String, Template> templates) {
        List<Template> out = new ArrayList<>();
        templates.forEach((name, t) -> {
            int colon = name.lastIndexOf(':');
            if (colon > 0 && matches(ref.name(), name.substring(0, colon))
                    && matches(ref.template(), name.substring(colon + 1))) {
                out.add(t);
            }
        });
        return out;
    }

    private static boolean kindMatches(TemplateRef ref, Workflow w) {
        return ref.clusterScope() == "ClusterWorkflowTemplate".equals(w.kind());
    }

    /** Whether {@code name} may be what {@code pattern} becomes, each {@code {{...}}} standing for any text. */
    private static boolean matches(String pattern, String name) {
        if (pattern == null || name == null) {
            return false;
        }
        StringBuilder regex = new StringBuilder();
        int i = 0;
        while (i < pattern.length()) {
            int open = pattern.indexOf("{{", i);
            int close = open < 0 ? -1 : pattern.indexOf("}}", open + 2);
            if (close < 0) {
                regex.append(java.util.regex.Pattern.quote(pattern.substring(i)));
                break;
            }
            regex.append(java.util.regex.Pattern.quote(pattern.substring(i, open))).append(".*");
            i = close + 2;
        }
        return name.matches(regex.toString());
    }
}
