package io.jenkins.plugins.onepanel.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.model.Run;
import io.jenkins.plugins.onepanel.OnepanelRunAction;
import io.jenkins.plugins.onepanel.OnepanelWorkflowConfiguration;
import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.engine.InvalidWorkflowException;
import io.onepanel.workflow.engine.RetryOptions;
import io.onepanel.workflow.engine.RunListener;
import io.onepanel.workflow.engine.RunOptions;
import io.onepanel.workflow.engine.WorkflowEngine;
import io.onepanel.workflow.engine.WorkflowRun;
import io.onepanel.workflow.journal.JournalDirectory;
import io.onepanel.workflow.journal.JournalException;
import io.onepanel.workflow.journal.JournalTarget;
import io.onepanel.workflow.journal.RecordedRun;
import io.onepanel.workflow.journal.SourceText;
import io.onepanel.workflow.runtime.TaskRuntime;
import io.onepanel.workflow.runtime.external.ExternalTaskRuntime;
import io.onepanel.workflow.template.Workflow;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * How a run of a build starts: it gets the build's run action, its journal in the build's directory,
 * its engine and runtime, and is registered in {@link ActiveRuns}. A run is either new, from a
 * checked template, or the retry of an earlier build's failed run: the earlier run's journal gives
 * the template and parameters, and what succeeded there is taken over rather than run again.
 */
public final class RunLaunch {

    private RunLaunch() {}

    /** What the engine is asked for once everything around the run is in place. */
    @FunctionalInterface
    private interface EngineStart {
        WorkflowRun start(WorkflowEngine engine, RunRecorder recorder, OnepanelRunAction action);
    }

    /**
     * Starts a run whose tasks Pipeline branches run, one branch per task ({@link ActiveRun#branches()}).
     *
     * @param workflow already checked ({@link WorkflowSource#check})
     */
    @NonNull
    public static ActiveRun forBranches(
            @NonNull Run<?, ?> build,
            @NonNull Workflow workflow,
            @NonNull WorkflowSource.Text source,
            @NonNull RunSettings settings)
            throws AbortException {
        return branches(build, workflow, source.sourceName(), settings, (engine, recorder, action) -> engine.start(
                workflow, options(settings, action), recorder, journal(build, action, source, settings)));
    }

    /**
     * Starts, in {@code build}, the retry of an earlier build's run that failed: its failed, errored and
     * cancelled tasks and everything after them run again; the attempts of the others are taken over
     * with their outputs (Argo's {@code retry}). Its tasks run as Pipeline branches.
     *
     * @param earlier the earlier run's journal, ended
     * @param workflow the earlier run's template, checked again
     * @throws AbortException when the earlier run cannot be retried (it succeeded, it never ended)
     */
    @NonNull
    public static ActiveRun retryForBranches(
            @NonNull Run<?, ?> build,
            @NonNull RecordedRun earlier,
            @NonNull Workflow workflow,
            @NonNull RunSettings settings)
            throws AbortException {
        String sourceName = earlier.header().template().name();
        return branches(build, workflow, sourceName, settings, (engine, recorder, action) -> engine.retry(
                earlier,
                new RetryOptions(null, action.getWorkflowName(), JournalDirectory.at(action.directory().toPath())),
                recorder));
    }

    private static ActiveRun branches(
            Run<?, ?> build, Workflow workflow, String sourceName, RunSettings settings, EngineStart how)
            throws AbortException {
        // An attempt can come before the run exists: it waits for it.
        CompletableFuture<ActiveRun> started = new CompletableFuture<>();
        ExternalTaskRuntime runtime = new ExternalTaskRuntime(task -> started.thenAccept(run -> run.handOut(task)));
        ActiveRun run = launch(build, workflow, sourceName, settings, pods -> runtime, true, null, how);
        started.complete(run);
        return run;
    }

    /**
     * Starts a run whose attempts the engine runs itself through {@code runtime} (freestyle builds).
     *
     * @param console also hears the run, to print it in the build's console
     */
    @NonNull
    public static ActiveRun withRuntime(
            @NonNull Run<?, ?> build,
            @NonNull Workflow workflow,
            @NonNull WorkflowSource.Text source,
            @NonNull RunSettings settings,
            @NonNull Function<TaskPods, TaskRuntime> runtime,
            @NonNull RunListener console)
            throws AbortException {
        return launch(build, workflow, source.sourceName(), settings, runtime, false, console,
                (engine, recorder, action) -> engine.start(
                        workflow, options(settings, action), recorder, journal(build, action, source, settings)));
    }

    private static ActiveRun launch(
            Run<?, ?> build,
            Workflow workflow,
            String sourceName,
            RunSettings settings,
            Function<TaskPods, TaskRuntime> runtimeFor,
            boolean byBranches,
            @CheckForNull RunListener console,
            EngineStart how)
            throws AbortException {
        OnepanelWorkflowConfiguration config = OnepanelWorkflowConfiguration.get();
        TaskPods pods = TaskPods.configuredBy(config);
        TaskStaging staging;
        try {
            staging = TaskStaging.create(
                    settings.repository(), settings.credentials(), settings.presignedUrlValidity(), settings.keyPrefix());
        } catch (ArtifactException e) {
            throw new AbortException(e.getMessage());
        }
        TaskRuntime runtime = runtimeFor.apply(pods);
        OnepanelRunAction action;
        synchronized (build) { // two runs of one build started at once still get distinct numbers
            int index = OnepanelRunAction.nextIndex(build);
            action = new OnepanelRunAction(index, runName(workflow, build, index), sourceName);
            action.setTitle(workflow.displayName());
            build.addAction(action);
        }
        TaskBranches branches = byBranches ? new TaskBranches(action.getWorkflowName()) : null;
        RunRecorder recorder = new RunRecorder(build, action, workflow, byBranches ? branches : console);
        WorkflowEngine engine = WorkflowEngine.builder()
                .runtime(runtime)
                .artifacts(staging.artifactStore())
                .build();
        WorkflowRun engineRun;
        try {
            engineRun = how.start(engine, recorder, action);
        } catch (InvalidWorkflowException | JournalException | IllegalArgumentException e) {
            build.removeAction(action);
            runtime.close();
            staging.close();
            throw new AbortException(e instanceof InvalidWorkflowException
                    ? "The workflow is not valid; nothing was started.\n" + e.getMessage()
                    : "Nothing was started: " + e.getMessage());
        }
        ActiveRun run = new ActiveRun(
                ActiveRuns.get().newId(build),
                build,
                engineRun,
                recorder,
                settings,
                pods,
                staging,
                AdminLimits.of(config),
                branches);
        ActiveRuns.get().add(run);
        engineRun.completion().whenComplete((result, x) -> {
            if (result != null) {
                recorder.settled(result); // whether or not the engine told its listener first
            }
            runtime.close();
            staging.close();
            run.finishClaims(result != null && result.succeeded());
            if (branches != null) {
                branches.runOver(result); // also when the engine failed before telling its listener
            }
        });
        return run;
    }

    private static RunOptions options(RunSettings settings, OnepanelRunAction action) {
        return new RunOptions(
                settings.parameters(),
                action.getWorkflowName(),
                settings.namespace(),
                settings.failFast(),
                settings.workers());
    }

    /**
     * The run's journal, beside its pods' logs in the build's directory: every change of the run as
     * an appended line (the node list, which the build's own {@code build.xml} keeps only as a
     * summary), with the template's text and how it ran (never a secret).
     */
    private static JournalTarget journal(
            Run<?, ?> build, OnepanelRunAction action, WorkflowSource.Text source, RunSettings settings) {
        Map<String, String> how = new TreeMap<>();
        how.put("jenkins.build", build.getExternalizableId());
        how.put("namespace", settings.namespace());
        if (settings.builtInNode()) {
            how.put("runtime", "built-in node");
        } else if (settings.cloud() != null) {
            how.put("cloud", settings.cloud().name);
        }
        return new JournalTarget(
                JournalDirectory.at(action.directory().toPath()),
                new SourceText(source.sourceName(), source.yaml()),
                List.of(),
                how);
    }

    /**
     * {@code {{workflow.name}}}: the template's name (or generateName) with the build number, and
     * the run's index when a build has several, so that artifact keys of different builds differ.
     */
    static String runName(Workflow workflow, Run<?, ?> build, int index) {
        String base = workflow.name() == null ? "workflow" : workflow.name().toLowerCase(Locale.ROOT);
        base = base.replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        if (base.isEmpty()) {
            base = "workflow";
        }
        if (base.length() > 40) {
            base = base.substring(0, 40).replaceAll("-+$", "");
        }
        return base + "-" + build.getNumber() + (index > 1 ? "-" + index : "");
    }
}
