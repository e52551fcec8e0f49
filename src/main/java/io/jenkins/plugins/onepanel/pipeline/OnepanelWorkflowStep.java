package io.jenkins.plugins.onepanel.pipeline;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.Util;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.onepanel.ArtifactRepository;
import io.jenkins.plugins.onepanel.Messages;
import io.jenkins.plugins.onepanel.OnepanelWorkflowBuilder;
import io.jenkins.plugins.onepanel.WorkflowArguments;
import io.jenkins.plugins.onepanel.WorkflowFormFields;
import io.jenkins.plugins.onepanel.WorkflowParameter;
import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.sf.json.JSONObject;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.StepExecutions;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code onepanelWorkflow template: 'workflows/train.yaml', parameters: [epochs: '20']}: runs an
 * Onepanel / Argo DAG workflow template, each task in a Kubernetes agent pod, and returns the
 * workflow's outputs as a map.
 *
 * <p>This class holds the step's arguments and gives the Snippet Generator its form and
 * Declarative its argument checks. The call itself is answered by the global variable of the same
 * name ({@code OnepanelWorkflowVariable}), which {@code CpsScript.invokeMethod} consults before
 * steps: it runs a small CPS driver that calls {@code parallel}, {@code podTemplate} and
 * {@code node}, which a Java step cannot do itself (see the plugin's README).
 */
public class OnepanelWorkflowStep extends Step implements WorkflowArguments, Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    public static final String FUNCTION_NAME = "onepanelWorkflow";

    private String template;
    private String text;
    private List<WorkflowParameter> parameters = new ArrayList<>();
    private String namespace;
    private String cloud;
    private String inheritFrom;
    private ArtifactRepository artifactRepository;
    private String credentialsId;
    private Boolean failFast;
    private Integer parallelism;
    private Integer podStartMinutes;

    @DataBoundConstructor
    public OnepanelWorkflowStep() {}

    @Override
    public String getTemplate() {
        return template;
    }

    @DataBoundSetter
    public void setTemplate(String template) {
        this.template = Util.fixEmptyAndTrim(template);
    }

    @Override
    public String getText() {
        return text;
    }

    @DataBoundSetter
    public void setText(String text) {
        this.text = Util.fixEmpty(text);
    }

    @NonNull
    @Override
    public List<WorkflowParameter> getParameters() {
        return parameters == null ? List.of() : List.copyOf(parameters);
    }

    @DataBoundSetter
    public void setParameters(List<WorkflowParameter> parameters) {
        this.parameters = parameters == null ? new ArrayList<>() : new ArrayList<>(parameters);
    }

    @Override
    public String getNamespace() {
        return namespace;
    }

    @DataBoundSetter
    public void setNamespace(String namespace) {
        this.namespace = Util.fixEmptyAndTrim(namespace);
    }

    @Override
    public String getCloud() {
        return cloud;
    }

    @DataBoundSetter
    public void setCloud(String cloud) {
        this.cloud = Util.fixEmptyAndTrim(cloud);
    }

    @Override
    public String getInheritFrom() {
        return inheritFrom;
    }

    /**
     * Not trimmed: the Kubernetes plugin's {@code ' '} ("disable inheritance") is kept as given. Empty
     * (the default) is no inheritance too: task pods never inherit an enclosing {@code podTemplate}.
     */
    @DataBoundSetter
    public void setInheritFrom(String inheritFrom) {
        this.inheritFrom = Util.fixEmpty(inheritFrom);
    }

    @Override
    public ArtifactRepository getArtifactRepository() {
        return artifactRepository;
    }

    @DataBoundSetter
    public void setArtifactRepository(ArtifactRepository artifactRepository) {
        this.artifactRepository = artifactRepository;
    }

    @Override
    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = Util.fixEmptyAndTrim(credentialsId);
    }

    @Override
    public Boolean getFailFast() {
        return failFast;
    }

    @DataBoundSetter
    public void setFailFast(Boolean failFast) {
        this.failFast = failFast;
    }

    @Override
    public Integer getParallelism() {
        return parallelism;
    }

    @DataBoundSetter
    public void setParallelism(Integer parallelism) {
        this.parallelism = parallelism == null || parallelism <= 0 ? null : parallelism;
    }

    /** How long a task's pod may take to start; at most the administrator's bound, which applies when unset. */
    @Override
    public Integer getPodStartMinutes() {
        return podStartMinutes;
    }

    @DataBoundSetter
    public void setPodStartMinutes(Integer podStartMinutes) {
        this.podStartMinutes = podStartMinutes == null || podStartMinutes <= 0 ? null : podStartMinutes;
    }

    /**
     * Reached only through {@code steps.onepanelWorkflow(...)}, which bypasses the global variable
     * and with it the driver that runs the tasks.
     */
    @Override
    public StepExecution start(StepContext context) {
        return StepExecutions.synchronous(context, c -> {
            throw new AbortException("Call onepanelWorkflow(...) directly: steps." + FUNCTION_NAME
                    + "(...) skips the Pipeline driver that runs the workflow's tasks. In a shared library class,"
                    + " pass the Pipeline script in and call script." + FUNCTION_NAME + "(...).");
        });
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {

        /** The fields the freestyle build step has too: one help text each, kept with the build step. */
        static final List<String> SHARED_HELP =
                List.of("artifactRepository", "cloud", "credentialsId", "failFast", "namespace", "parallelism", "text");

        public DescriptorImpl() {
            for (String field : SHARED_HELP) {
                addHelpFileRedirect(field, OnepanelWorkflowBuilder.class, field);
            }
        }

        @Override
        public String getFunctionName() {
            return FUNCTION_NAME;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.OnepanelWorkflowStep_DisplayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }

        /**
         * The driver's own operations come through here too ({@link DriverSteps}), so that this is
         * the plugin's only step; anything else is the step as the Snippet Generator and Declarative
         * know it. Deprecated in favour of structs' {@code CustomDescribableModel}, which can only
         * rewrite the arguments of this one class, not make another step; {@code DSL} still calls an
         * overridden {@code newInstance(Map)}, and this is the one deliberate use of a deprecated API.
         */
        @Override
        @SuppressWarnings("deprecation")
        public Step newInstance(Map<String, Object> arguments) throws Exception {
            if (arguments.containsKey(DriverSteps.KEY)) {
                return DriverSteps.of(arguments);
            }
            return super.newInstance(arguments);
        }

        /** In the flow graph, a driver operation shows as what it is ({@code await}, {@code run a3}, ...). */
        @Override
        public String argumentsToString(@NonNull Map<String, Object> namedArgs) {
            Object op = namedArgs.get(DriverSteps.KEY);
            if (op == null) {
                return super.argumentsToString(namedArgs);
            }
            Object attempt = namedArgs.get("attempt");
            return op + (attempt == null ? "" : " " + attempt);
        }

        /** The Snippet Generator's form: failFast "as the template says" stays unset (see WorkflowFormFields). */
        @Override
        public Step newInstance(@CheckForNull StaplerRequest2 req, @NonNull JSONObject formData) throws FormException {
            return super.newInstance(req, WorkflowFormFields.withoutTemplateFailFast(formData));
        }

        @POST
        public ListBoxModel doFillCloudItems(@AncestorInPath Item item) {
            return WorkflowFormFields.cloudItems(item);
        }

        @POST
        public ListBoxModel doFillInheritFromItems(@AncestorInPath Item item, @QueryParameter String cloud) {
            return WorkflowFormFields.inheritFromItems(item, cloud);
        }

        @POST
        public ListBoxModel doFillCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String credentialsId) {
            return WorkflowFormFields.credentialsItems(item, credentialsId);
        }

        @POST
        public ListBoxModel doFillFailFastItems() {
            return WorkflowFormFields.failFastItems();
        }

        @POST
        public FormValidation doCheckParallelism(@AncestorInPath Item item, @QueryParameter String value) {
            return WorkflowFormFields.checkParallelism(item, value);
        }

        @POST
        public FormValidation doValidateTemplate(
                @AncestorInPath @CheckForNull Item item, @QueryParameter String template, @QueryParameter String text) {
            return WorkflowFormFields.validateTemplate(item, template, text);
        }
    }
}
