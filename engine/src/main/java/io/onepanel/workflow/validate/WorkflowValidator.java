package io.onepanel.workflow.validate;

import io.onepanel.workflow.diagnostics.Diagnostic;
import io.onepanel.workflow.diagnostics.Diagnostics;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.Workflow;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Every check that can be made before anything runs. All findings are returned at once; a
 * workflow with an error starts nothing.
 */
public final class WorkflowValidator {

    private final List<TemplateCheck> extraChecks;

    public WorkflowValidator(List<TemplateCheck> extraChecks) {
        this.extraChecks = List.copyOf(extraChecks);
    }

    /** Checks of the template alone. */
    public List<Diagnostic> validate(Workflow workflow) {
        Diagnostics out = new Diagnostics();
        Collection<Template> reached = new StructureCheck(workflow, out).run();
        new VariableCheck(workflow, out).check(reached);
        new KubernetesCheck(workflow, out).check(reached);
        ParameterCheck parameters = new ParameterCheck(workflow, out);
        parameters.checkDeclarations(reached);
        parameters.checkTaskArguments(reached);
        new OutputParameterCheck(out).check(reached);
        new SettingsCheck(out).check(workflow, reached);
        for (Template t : reached) {
            if (t.type().runsPod()) {
                for (TemplateCheck check : extraChecks) {
                    check.check(workflow, t).forEach(out::add);
                }
            }
        }
        return out.sorted();
    }

    /**
     * Checks of a library file (the {@code --library} WorkflowTemplates that {@code templateRef}
     * names): its templates' shape, Kubernetes parts and settings, without an entrypoint. What a
     * template refers to (variables, arguments) is checked where a workflow uses it, after
     * {@code templateRef} copies it in.
     */
    public List<Diagnostic> validateLibrary(Workflow library) {
        Diagnostics out = new Diagnostics();
        Collection<Template> all = new StructureCheck(library, out).runLibrary();
        new KubernetesCheck(library, out).check(all);
        new SettingsCheck(out).check(library, all);
        return out.sorted();
    }

    /**
     * What is wrong with a name given for a run (the {@code --name} of the command line), or null
     * when it is a valid workflow name: it names the run's pods and artifact keys, so it is checked
     * before anything runs.
     */
    public static String runNameProblem(String name) {
        String problem = NamingRules.runName(name);
        return problem == null ? null : "the run's name '" + name + "' " + problem;
    }

    /**
     * Checks of the values a user gives for a run: the values themselves, and the numbers and
     * durations they feed ({@code retryStrategy.limit: "{{workflow.parameters.n}}"}), at those fields.
     */
    public List<Diagnostic> validateParameters(Workflow workflow, Map<String, String> parameters) {
        return validateParameters(workflow, parameters, false);
    }

    /**
     * Checks of the values a user gives for a run.
     *
     * @param forRun whether the run starts now: what a run will still need is then an error
     */
    public List<Diagnostic> validateParameters(Workflow workflow, Map<String, String> parameters, boolean forRun) {
        Diagnostics out = new Diagnostics();
        new ParameterCheck(workflow, out).checkValues(parameters, forRun);
        Map<String, String> values = new java.util.LinkedHashMap<>();
        for (io.onepanel.workflow.template.Parameter p : workflow.arguments().parameters()) {
            String value = parameters.containsKey(p.name()) ? parameters.get(p.name())
                    : p.value() != null ? p.value() : p.defaultValue();
            if (value != null) {
                values.put(p.name(), value);
            }
        }
        // Which templates the run reaches; their structure was reported by validate(workflow).
        Collection<Template> reached = new StructureCheck(workflow, new Diagnostics()).run();
        new SettingsCheck(out).checkWith(reached, values);
        return out.sorted();
    }
}
