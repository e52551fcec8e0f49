package io.jenkins.plugins.onepanel;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Util;
import hudson.model.AbstractProject;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.tasks.BuildStepDescriptor;
import hudson.tasks.Builder;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.onepanel.run.ActiveRun;
import io.jenkins.plugins.onepanel.run.AdminLimits;
import io.jenkins.plugins.onepanel.run.BuiltInNodeTasks;
import io.jenkins.plugins.onepanel.run.RunLaunch;
import io.jenkins.plugins.onepanel.run.RunSettings;
import io.jenkins.plugins.onepanel.run.TaskPods;
import io.jenkins.plugins.onepanel.run.WorkflowSource;
import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.NodeType;
import io.onepanel.workflow.engine.RunListener;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.runtime.TaskRuntime;
import io.onepanel.workflow.template.Parameter;
import io.onepanel.workflow.template.Workflow;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.tasks.SimpleBuildStep;
import net.sf.json.JSONArray;
import net.sf.json.JSONObject;
import org.csanchez.jenkins.plugins.kubernetes.KubernetesCloud;
import org.csanchez.jenkins.plugins.kubernetes.KubernetesFolderProperty;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;

/**
 * The workflow run as a build step of a freestyle job, with the same fields as the Pipeline step.
 * Its parameter inputs follow the template's Onepanel metadata. A freestyle build has no Pipeline
 * to give tasks agent pods, so here the engine runs each task's pod itself, through the chosen
 * Kubernetes cloud's client; the build waits for the run.
 */
public class OnepanelWorkflowBuilder extends Builder implements SimpleBuildStep, WorkflowArguments {

    private static final Logger LOGGER = Logger.getLogger(OnepanelWorkflowBuilder.class.getName());

    /** How long an aborted build waits for the run to delete its pods before it gives up waiting. */
    private static final long CANCEL_GRACE_SECONDS = 120;

    private String template;
    private String text;
    private List<WorkflowParameter> parameters = new ArrayList<>();
    private String namespace;
    private String cloud;
    private ArtifactRepository artifactRepository;
    private String credentialsId;
    private Boolean failFast;
    private Integer parallelism;

    @DataBoundConstructor
    public OnepanelWorkflowBuilder() {}

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

    /**
     * Always null: inheriting a Kubernetes plugin pod template applies to its agents, which only the
     * Pipeline step uses; here the engine creates the pods.
     */
    @Override
    public String getInheritFrom() {
        return null;
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

    @Override
    public void perform(
            @NonNull Run<?, ?> build,
            @NonNull FilePath workspace,
            @NonNull EnvVars env,
            @NonNull Launcher launcher,
            @NonNull TaskListener listener)
            throws InterruptedException, IOException {
        if (!(build instanceof hudson.model.AbstractBuild)) {
            // step([$class: 'OnepanelWorkflowBuilder']) from a Pipeline would run the freestyle path:
            // pods the engine creates itself, no agent, no Pipeline views, no restart.
            throw new AbortException("The Onepanel workflow build step is for freestyle jobs; in a Pipeline call"
                    + " onepanelWorkflow template: '...' (or text: '...') instead.");
        }
        PrintStream log = listener.getLogger();
        OnepanelWorkflowConfiguration config = OnepanelWorkflowConfiguration.get();
        WorkflowSource.Text source = WorkflowSource.read(template, text, workspace);
        RunSettings settings = RunSettings.resolve(this, config, build);
        WorkflowSource.Checked checked = WorkflowSource.check(source, settings.parameters(), AdminLimits.of(config));
        checked.print(log);
        Workflow workflow = checked.orFail();

        Function<TaskPods, TaskRuntime> runtime;
        if (settings.builtInNode()) {
            runtime = pods -> BuiltInNodeTasks.runtime(launcher, workspace);
        } else {
            KubernetesClient client = connect(build, settings);
            runtime = pods -> pods.kubernetesRuntime(client, settings.namespace());
        }
        ActiveRun run = RunLaunch.withRuntime(build, workflow, source, settings, runtime, new ConsoleLines(log));
        log.println("Workflow " + run.name() + " from " + source.sourceName() + ": up to " + settings.workers()
                + " task pods at a time" + (settings.builtInNode() ? ", on this build's node (test switch)" : ""));
        RunResult result;
        try {
            result = run.completion().get();
        } catch (InterruptedException e) {
            run.cancel("the build was aborted");
            try {
                run.completion().get(CANCEL_GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException stillGoing) {
                LOGGER.log(
                        Level.WARNING,
                        "workflow " + run.name() + " of " + build + " did not end after its cancel",
                        stillGoing);
            }
            throw e;
        } catch (ExecutionException e) {
            throw new IOException("The workflow engine failed", e.getCause());
        } finally {
            run.forget();
        }
        Map<String, String> outputs = OnepanelRunAction.outputsOf(result);
        outputs.forEach((name, value) -> log.println("Output " + name + " = " + value));
        if (!result.succeeded()) {
            throw new AbortException("Workflow " + result.workflowName() + " "
                    + result.phase().argoName() + (result.message() != null ? ": " + result.message() : ""));
        }
    }

    /**
     * Pipeline's {@code podTemplate} refuses a cloud whose use is restricted to folders that do not
     * allow it ({@code PodTemplateStepExecution.checkAccess}); the engine creates pods itself here,
     * so the same check is made before it gets the cloud's client.
     */
    static void checkCloudAccess(@NonNull Run<?, ?> build, @NonNull KubernetesCloud cloud) throws AbortException {
        if (!cloud.isUsageRestricted()) {
            return;
        }
        Set<String> allowed = new HashSet<>();
        KubernetesFolderProperty.collectAllowedClouds(allowed, build.getParent().getParent());
        if (!allowed.contains(cloud.name)) {
            throw new AbortException("Not authorized to use Kubernetes cloud: " + cloud.name
                    + " (its use is restricted to folders that allow it; see the folder's Kubernetes settings)");
        }
    }

    private static KubernetesClient connect(Run<?, ?> build, RunSettings settings) throws IOException {
        checkCloudAccess(build, settings.cloud());
        try {
            // The cloud's shared client (cached by the Kubernetes plugin): not ours to close.
            return settings.cloud().connect();
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("Cannot connect to the Kubernetes cloud " + settings.cloud().name + ": " + e, e);
        }
    }

    /** Prints the run in the build's console: each pod's lines with its task's name, and each task's end. */
    private static final class ConsoleLines implements RunListener {
        private final PrintStream log;

        ConsoleLines(PrintStream log) {
            this.log = log;
        }

        @Override
        public void nodeChanged(NodeStatus node) {
            if (node.type() == NodeType.POD && node.phase() == NodePhase.RUNNING && node.finishedAt() == null) {
                log.println(
                        "[" + node.name() + "] started" + (node.podName() != null ? " in pod " + node.podName() : ""));
            } else if ((node.type() == NodeType.POD || node.type() == NodeType.SKIPPED)
                    && node.phase().isDone()) {
                log.println("[" + node.name() + "] " + node.phase().argoName()
                        + (node.exitCode() != null ? " (exit code " + node.exitCode() + ")" : "")
                        + (node.message() != null && node.phase() != NodePhase.SUCCEEDED ? ": " + node.message() : ""));
            }
        }

        @Override
        public void log(NodeStatus node, String line) {
            log.println("[" + node.name() + "] " + line);
        }

        @Override
        public void status(NodeStatus node, String message) {
            log.println("[" + node.name() + "] \u00bb " + message);
        }

        @Override
        public void finished(RunResult result) {
            log.println(
                    "Workflow " + result.workflowName() + ": " + result.phase().argoName());
        }
    }

    @Extension
    @Symbol("onepanelWorkflowBuild")
    public static class DescriptorImpl extends BuildStepDescriptor<Builder> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.OnepanelWorkflowBuilder_DisplayName();
        }

        @Override
        @SuppressWarnings("rawtypes") // BuildStepDescriptor's own signature
        public boolean isApplicable(Class<? extends AbstractProject> jobType) {
            return true;
        }

        /**
         * The parameter inputs of the form: one per parameter the template shows (by its metadata),
         * then any other value the job sets. The template is read from the inline text or from the
         * workspace of the job's last build; read errors just leave plain inputs.
         */
        @NonNull
        public List<ParameterInput> parameterInputs(@CheckForNull OnepanelWorkflowBuilder instance, Object context) {
            Map<String, String> given = new LinkedHashMap<>(
                    WorkflowParameter.toMap(instance == null ? List.of() : instance.getParameters()));
            List<ParameterInput> inputs = new ArrayList<>();
            Workflow workflow = instance == null ? null : templateOf(instance, context);
            if (workflow != null && workflow.arguments() != null) {
                List<NodePool> pools = OnepanelWorkflowConfiguration.get().getNodePools();
                for (Parameter p : workflow.arguments().parameters()) {
                    ParameterInput input = ParameterInput.of(p, given.get(p.name()), pools);
                    if (input != null) {
                        inputs.add(input);
                        given.remove(p.name());
                    }
                }
            }
            given.forEach((name, value) -> inputs.add(ParameterInput.plain(name, value)));
            return inputs;
        }

        @CheckForNull
        private static Workflow templateOf(OnepanelWorkflowBuilder instance, Object context) {
            if (!(context instanceof Item item) || !item.hasPermission(Item.CONFIGURE)) {
                return null;
            }
            try {
                FilePath workspace = context instanceof AbstractProject<?, ?> p ? p.getSomeWorkspace() : null;
                if (Util.fixEmptyAndTrim(instance.getText()) == null && workspace == null) {
                    return null;
                }
                WorkflowSource.Text source = WorkflowSource.read(instance.getTemplate(), instance.getText(), workspace);
                return WorkflowSource.check(source, null, AdminLimits.of(OnepanelWorkflowConfiguration.get()))
                        .workflow();
            } catch (IOException | RuntimeException e) {
                LOGGER.log(Level.FINE, "could not read the template for the parameter form", e);
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        /**
         * The parameter inputs post one {@code {name, value}} object each; a single one arrives as an
         * object rather than a list.
         */
        @Override
        public Builder newInstance(@CheckForNull StaplerRequest2 req, @NonNull JSONObject formData)
                throws FormException {
            Object parameters = formData.opt("parameters");
            if (parameters instanceof JSONObject single) {
                JSONArray list = new JSONArray();
                list.add(single);
                formData.put("parameters", list);
            }
            return super.newInstance(req, WorkflowFormFields.withoutTemplateFailFast(formData));
        }

        @POST
        public ListBoxModel doFillCloudItems(@AncestorInPath Item item) {
            return WorkflowFormFields.cloudItems(item);
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
