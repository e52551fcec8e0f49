package io.jenkins.plugins.onepanel.pipeline;

import hudson.FilePath;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.onepanel.OnepanelRunAction;
import io.jenkins.plugins.onepanel.OnepanelWorkflowConfiguration;
import io.jenkins.plugins.onepanel.RetryCause;
import io.jenkins.plugins.onepanel.run.ActiveRun;
import io.jenkins.plugins.onepanel.run.AdminLimits;
import io.jenkins.plugins.onepanel.run.RunLaunch;
import io.jenkins.plugins.onepanel.run.RunSettings;
import io.jenkins.plugins.onepanel.run.WorkflowSource;
import io.onepanel.workflow.journal.RecordedRun;
import io.onepanel.workflow.template.Workflow;
import java.io.PrintStream;
import java.io.Serial;
import java.util.LinkedHashMap;
import java.util.Map;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;

/**
 * Driver operation {@code start}: reads and checks the template, starts the run and tells the driver
 * how to run it (its parallelism, cloud, namespace, pod template to inherit). Its arguments are those of
 * {@code onepanelWorkflow}, as the driver passes them on.
 */
final class StartWorkflowStep extends DriverStep {

    @Serial
    private static final long serialVersionUID = 1L;

    private final OnepanelWorkflowStep arguments;

    StartWorkflowStep(OnepanelWorkflowStep arguments) {
        this.arguments = arguments;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, arguments);
    }

    /** Reading the template may reach an agent, so this runs off the CPS VM thread. */
    static final class Execution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
        @Serial
        private static final long serialVersionUID = 1L;

        private final transient OnepanelWorkflowStep step;

        Execution(StepContext context, OnepanelWorkflowStep step) {
            super(context);
            this.step = step;
        }

        @Override
        protected Map<String, Object> run() throws Exception {
            Run<?, ?> build = getContext().get(Run.class);
            PrintStream log = getContext().get(TaskListener.class).getLogger();
            FilePath workspace = getContext().get(FilePath.class); // null outside node { }
            OnepanelWorkflowConfiguration config = OnepanelWorkflowConfiguration.get();

            RunSettings settings = RunSettings.resolve(step, config, build);
            RetryCause retry = build.getCause(RetryCause.class);
            RecordedRun earlier = retry == null ? null : retry.runToRetry(OnepanelRunAction.nextIndex(build));
            // A retry runs the earlier run's own template and parameters, as Argo's retry keeps the workflow's.
            WorkflowSource.Text text = earlier != null
                    ? new WorkflowSource.Text(earlier.header().template().name(), earlier.header().template().text())
                    : WorkflowSource.read(step.getTemplate(), step.getText(), workspace, build, log);
            WorkflowSource.Checked checked = WorkflowSource.check(
                    text, earlier != null ? earlier.header().parameters() : settings.parameters(), AdminLimits.of(config));
            checked.print(log);
            Workflow workflow = checked.orFail();
            ActiveRun run;
            if (earlier != null) {
                run = RunLaunch.retryForBranches(build, earlier, workflow, settings);
                log.println("Retrying the failed tasks of " + earlier.header().name() + " ("
                        + retry.getShortDescription() + "): the tasks that succeeded there are taken over");
            } else {
                run = RunLaunch.forBranches(build, workflow, text, settings);
            }
            log.println("Workflow " + run.name() + " from " + text.sourceName() + ": up to " + settings.workers()
                    + " task pods at a time"
                    + (settings.builtInNode()
                            ? ", on the built-in node (test switch)"
                            : " in namespace " + settings.namespace() + " of cloud " + settings.cloud().name)
                    + ". Progress: " + Util.fixNull(Jenkins.get().getRootUrl()) + build.getUrl()
                    + run.action().getUrlName());

            Map<String, Object> handle = new LinkedHashMap<>();
            handle.put("id", run.id());
            handle.put("name", run.name());
            handle.put("root", run.branches().root());
            handle.put("builtInNode", settings.builtInNode());
            if (settings.cloud() != null) {
                handle.put("cloud", settings.cloud().name);
            }
            handle.put("namespace", settings.namespace());
            // The Kubernetes plugin provisions a pod again after slaveConnectTimeout: never before the
            // plugin's own bound (PodStartWatch) has ended the attempt with the reason.
            handle.put(
                    "slaveConnectTimeout",
                    settings.podStartTimeout().plusMinutes(1).toSeconds());
            handle.put("inheritFrom", settings.inheritFrom() == null ? "" : settings.inheritFrom());
            return handle;
        }
    }
}
