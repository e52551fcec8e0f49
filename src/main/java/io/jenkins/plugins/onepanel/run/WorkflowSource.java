package io.jenkins.plugins.onepanel.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.FilePath;
import hudson.Util;
import hudson.model.Run;
import hudson.remoting.VirtualChannel;
import io.jenkins.plugins.onepanel.NodePool;
import io.jenkins.plugins.onepanel.OnepanelWorkflowConfiguration;
import io.onepanel.workflow.diagnostics.Diagnostic;
import io.onepanel.workflow.engine.LoadResult;
import io.onepanel.workflow.engine.WorkflowEngine;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.runtime.external.ExternalTaskRuntime;
import io.onepanel.workflow.template.InstallValues;
import io.onepanel.workflow.template.Workflow;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serial;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jenkins.MasterToSlaveFileCallable;

/**
 * A template as a job gives it (a file in the workspace or inline text), read, loaded and checked
 * by the engine with the job's parameters, so that a workflow with an error starts nothing and the
 * user sees every diagnostic at once, each at file:line:column.
 */
public final class WorkflowSource {

    /** The name diagnostics of inline text refer to. */
    public static final String INLINE = "(inline template)";

    /**
     * The most a template file may hold, in the workspace or the Pipeline's repository: templates are
     * small; this only keeps a mistaken path from shipping a huge file to the controller.
     */
    static final long MAX_TEMPLATE_BYTES = 32L * 1024 * 1024;

    private WorkflowSource() {}

    /** Template text and the name its diagnostics use. */
    public record Text(@NonNull String sourceName, @NonNull String yaml) {}

    /**
     * Everything found about a template before it runs.
     *
     * @param workflow null when the text is not a workflow at all
     */
    public record Checked(
            @CheckForNull Workflow workflow, @NonNull List<Diagnostic> diagnostics) {

        public boolean hasErrors() {
            return workflow == null || diagnostics.stream().anyMatch(Diagnostic::isError);
        }

        /** Prints every diagnostic, errors and warnings, in file order. */
        public void print(@NonNull PrintStream out) {
            diagnostics.forEach(d -> out.println(d));
        }

        /** Fails with every error in the message, so it shows in the build result too. */
        @NonNull
        public Workflow orFail() throws AbortException {
            if (!hasErrors()) {
                return workflow;
            }
            List<Diagnostic> errors =
                    diagnostics.stream().filter(Diagnostic::isError).toList();
            String summary = errors.isEmpty()
                    ? "the template could not be read as a workflow"
                    : errors.stream().map(Diagnostic::toString).collect(Collectors.joining("\n"));
            throw new AbortException("The workflow is not valid; nothing was started.\n" + summary);
        }
    }

    /**
     * @param template a path relative to the workspace, used when {@code text} is empty
     * @param text inline YAML
     * @param workspace where {@code template} is read; null outside {@code node}
     */
    @NonNull
    public static Text read(@CheckForNull String template, @CheckForNull String text, @CheckForNull FilePath workspace)
            throws IOException, InterruptedException {
        if (Util.fixEmptyAndTrim(text) != null) {
            return new Text(INLINE, text);
        }
        String path = Util.fixEmptyAndTrim(template);
        if (path == null) {
            throw new AbortException("Give the workflow template: template: 'path/in/workspace.yaml' or text: '...'");
        }
        if (workspace == null) {
            throw new AbortException("template: '" + path + "' is read from the workspace, and there is none here."
                    + " Call onepanelWorkflow inside node { }, or pass text: readFile('" + path + "').");
        }
        return new Text(path, workspace.act(new ReadTemplate(path)));
    }

    /**
     * As {@link #read(String, String, FilePath)}, and without a workspace ({@code agent none}) the
     * template file is read from the Pipeline's own SCM ({@link PipelineScm}).
     */
    @NonNull
    public static Text read(
            @CheckForNull String template,
            @CheckForNull String text,
            @CheckForNull FilePath workspace,
            @NonNull Run<?, ?> build,
            @NonNull java.io.PrintStream log)
            throws IOException, InterruptedException {
        String path = Util.fixEmptyAndTrim(template);
        if (Util.fixEmptyAndTrim(text) == null && path != null && workspace == null) {
            String fromScm = PipelineScm.read(build, path, log);
            if (fromScm == null) {
                throw new AbortException("template: '" + path + "' is read from the workspace, or without one from the"
                        + " Pipeline's own SCM, and this build has neither. Call onepanelWorkflow inside node { }, or"
                        + " pass text: readFile('" + path + "').");
            }
            return new Text(path, fromScm);
        }
        return read(template, text, workspace);
    }

    /**
     * Loads and checks: the engine's static validation, the run's parameters, the administrator's limits.
     *
     * @param parameters the run's parameters, or null to check the template alone (form validation,
     *     where required parameters are not known yet)
     */
    @NonNull
    public static Checked check(
            @NonNull Text text, @CheckForNull Map<String, String> parameters, @NonNull AdminLimits limits) {
        WorkflowEngine engine = WorkflowEngine.builder()
                .runtime(new ExternalTaskRuntime(task -> task.complete(TaskResult.error("a template check runs no task"))))
                .artifacts(TaskStaging.noRepository())
                .installValues(installValues(OnepanelWorkflowConfiguration.get()))
                .build();
        LoadResult loaded = engine.load(text.sourceName(), text.yaml());
        List<Diagnostic> all = new ArrayList<>(loaded.diagnostics());
        Workflow workflow = loaded.workflow();
        if (workflow != null && !loaded.hasErrors()) {
            if (parameters != null) {
                all.addAll(engine.validate(workflow, parameters));
            }
            all.addAll(limits.check(workflow));
        }
        all.sort(Comparator.comparing((Diagnostic d) -> d.position().file())
                .thenComparingInt(d -> d.position().line())
                .thenComparingInt(d -> d.position().column()));
        return new Checked(workflow, List.copyOf(all));
    }

    /**
     * What Onepanel's install-time placeholders of a template file become here: s3 (the plugin's
     * repository is S3), the configured node pool label key and the first configured node pool.
     */
    @NonNull
    static InstallValues installValues(@NonNull OnepanelWorkflowConfiguration config) {
        List<NodePool> pools = config.getNodePools();
        try {
            return InstallValues.of(InstallValues.S3, config.getNodePoolLabelKey(),
                    pools.isEmpty() ? null : pools.get(0).getValue());
        } catch (IllegalArgumentException e) {
            // A saved value the form flagged as invalid: its placeholders stay unfilled and say what fills them.
            return InstallValues.INSTALLER_DEFAULTS;
        }
    }

    /**
     * Reads a template file where the workspace is. The path must stay inside the workspace,
     * also through symbolic links: form validation reads files too, for users who may configure
     * a job but not read the controller's disk.
     */
    private static final class ReadTemplate extends MasterToSlaveFileCallable<String> {
        @Serial
        private static final long serialVersionUID = 1L;

        private final String path;

        ReadTemplate(String path) {
            this.path = path;
        }

        @Override
        public String invoke(File workspace, VirtualChannel channel) throws IOException {
            Path root = workspace.toPath().toRealPath();
            Path file = root.resolve(path).normalize();
            if (!file.startsWith(root)) {
                throw new AbortException("template: '" + path + "' is outside the workspace");
            }
            if (!Files.isRegularFile(file)) {
                throw new AbortException("template: '" + path + "' does not exist in the workspace " + root);
            }
            if (!file.toRealPath().startsWith(root)) {
                throw new AbortException("template: '" + path + "' links outside the workspace");
            }
            if (Files.size(file) > MAX_TEMPLATE_BYTES) {
                throw new AbortException("template: '" + path + "' is larger than " + MAX_TEMPLATE_BYTES + " bytes");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        }
    }
}
