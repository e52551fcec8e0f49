package io.onepanel.workflow.engine;

import io.onepanel.workflow.artifact.ArtifactStore;
import io.onepanel.workflow.dag.RunEvents;
import io.onepanel.workflow.dag.RunHistory;
import io.onepanel.workflow.dag.WorkflowExecution;
import io.onepanel.workflow.diagnostics.Diagnostic;
import io.onepanel.workflow.diagnostics.SourcePosition;
import io.onepanel.workflow.journal.JournalException;
import io.onepanel.workflow.journal.JournalTarget;
import io.onepanel.workflow.journal.JournalWriter;
import io.onepanel.workflow.journal.RecordedRun;
import io.onepanel.workflow.journal.RunHeader;
import io.onepanel.workflow.journal.SourceText;
import io.onepanel.workflow.runtime.RunInfo;
import io.onepanel.workflow.runtime.TaskRuntime;
import io.onepanel.workflow.template.Arguments;
import io.onepanel.workflow.template.DagSpec;
import io.onepanel.workflow.template.InstallValues;
import io.onepanel.workflow.template.LoadedTemplate;
import io.onepanel.workflow.template.OnepanelConventions;
import io.onepanel.workflow.template.Parameter;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.TemplateLoader;
import io.onepanel.workflow.template.TemplateReferences;
import io.onepanel.workflow.template.TemplateBytes;
import io.onepanel.workflow.template.TemplateFile;
import io.onepanel.workflow.template.Workflow;
import io.onepanel.workflow.validate.TemplateCheck;
import io.onepanel.workflow.validate.WorkflowValidator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The engine's front door, and the only engine API the Jenkins plugin uses (pinned by
 * {@code WorkflowEngineFacadeTest}): load and validate a template, start a run on a runtime,
 * hear it through a {@link RunListener}, cancel it.
 */
public final class WorkflowEngine {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final TaskRuntime runtime;
    private final ArtifactStore artifacts;
    private final WorkflowValidator validator;
    private final List<Workflow> library;
    private final boolean onepanelConventions;
    private final InstallValues installValues;
    private final Clock clock;

    private WorkflowEngine(Builder builder) {
        this.runtime = Objects.requireNonNull(builder.runtime, "runtime");
        this.artifacts = Objects.requireNonNull(builder.artifacts, "artifacts");
        this.validator = new WorkflowValidator(builder.checks);
        this.library = List.copyOf(builder.library);
        this.onepanelConventions = builder.onepanelConventions;
        this.installValues = builder.installValues;
        this.clock = builder.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads and statically validates a template; user errors are diagnostics, never exceptions. */
    public LoadResult load(String sourceName, String yamlText) {
        return load(sourceName, yamlText, List.of(), onepanelConventions);
    }

    private LoadResult load(String sourceName, String yamlText, List<Workflow> moreLibrary, boolean conventions) {
        LoadedTemplate loaded = new TemplateLoader(installValues).load(sourceName, yamlText);
        if (loaded.workflow() == null) {
            return new LoadResult(null, loaded.diagnostics());
        }
        List<Workflow> refs = new ArrayList<>(loaded.library());
        refs.addAll(moreLibrary);
        refs.addAll(library);
        Workflow workflow = TemplateReferences.resolve(loaded.workflow(), refs);
        if (conventions) {
            workflow = OnepanelConventions.apply(workflow);
        }
        io.onepanel.workflow.diagnostics.Diagnostics all = new io.onepanel.workflow.diagnostics.Diagnostics();
        all.addAll(loaded.diagnostics());
        all.addAll(validator.validate(workflow));
        return new LoadResult(workflow, all.sorted()); // file order, as a reader walks the template
    }

    /** Reads a template file with {@link TemplateFile}'s bound, whatever kind of file it is. */
    public LoadResult load(Path file) throws IOException {
        long size = Files.isRegularFile(file) ? Files.size(file) : 0;
        if (size > TemplateFile.LIMIT) {
            return new LoadResult(null, List.of(Diagnostic.error(new SourcePosition(file.toString(), 1, 1),
                    "file-too-large", "the file is " + size + " bytes; templates are limited to "
                            + TemplateFile.LIMIT + " (32 MiB)")));
        }
        byte[] bytes;
        try {
            bytes = TemplateFile.read(file, InputStream.nullInputStream());
        } catch (TemplateFile.Unreadable e) {
            return new LoadResult(null, List.of(Diagnostic.error(new SourcePosition(file.toString(), 1, 1),
                    "unreadable", e.getMessage())));
        }
        TemplateBytes.Decoded text = TemplateBytes.decode(file.toString(), bytes);
        if (text.error() != null) {
            return new LoadResult(null, List.of(text.error()));
        }
        return load(file.toString(), text.text());
    }

    /** The checks that need the run's parameters: required ones given, enums respected, no unknown names. */
    public List<Diagnostic> validate(Workflow workflow, Map<String, String> parameters) {
        return validator.validateParameters(workflow, parameters);
    }

    /**
     * Validates and starts a run; returns at once.
     *
     * @throws InvalidWorkflowException with every error when the workflow may not start: nothing ran
     */
    public WorkflowRun start(Workflow workflow, RunOptions options, RunListener listener) {
        return start(workflow, options, listener, null);
    }

    /**
     * Validates and starts a run that keeps a journal: every event that changes the run is appended
     * to it as it happens, beside the template's text, so that the run can be rebuilt
     * ({@link RecordedRun#read}), resumed when its process dies ({@link #resume}) and retried when it
     * failed ({@link #retry}). Returns at once; the run holds its journal's lock until it ends.
     *
     * @param journal where the journal goes and the texts {@code workflow} was loaded from; null for none
     * @throws InvalidWorkflowException with every error when the workflow may not start: nothing ran
     * @throws JournalException when the journal cannot be written (its directory holds a run already)
     */
    public WorkflowRun start(Workflow workflow, RunOptions options, RunListener listener, JournalTarget journal) {
        check(workflow, options);
        String name = options.name() != null ? options.name() : newRunName(workflow);
        String namespace = options.namespace() != null ? options.namespace()
                : workflow.namespace() != null ? workflow.namespace() : "default";
        RunInfo info = new RunInfo(name, UUID.randomUUID().toString(), namespace, clock.instant());
        JournalWriter writer = journal == null ? null : JournalWriter.create(journal.directory().of(name),
                header(info, options, journal.template(), journal.library(), journal.settings(),
                        onepanelConventions, null));
        return launch(workflow, info, options, listener, writer, RunHistory.NONE);
    }

    /**
     * Continues a run whose process died, from its journal, as the same run (name, uid, journal):
     * attempts that ended keep their results and outputs and do not run again; attempts that were
     * running are resumed on the runtime ({@link TaskRuntime#resume}); retry counts, loop items and
     * deadlines (wall-clock instants) go on as they were. Returns at once.
     *
     * @throws JournalException when the run has ended, or a live process still runs it
     * @throws InvalidWorkflowException when its template does not pass this engine's checks any more
     */
    public WorkflowRun resume(RecordedRun recorded, RunListener listener) {
        RunHeader h = recorded.header();
        if (recorded.ended()) {
            NodePhase phase = recorded.result().orElseThrow().phase();
            throw new JournalException("run " + h.name() + " has ended (" + phase.argoName() + "): there is nothing"
                    + " to resume" + (phase.isFailure() ? "; retry reruns its failed tasks" : ""));
        }
        Workflow workflow = reload(h);
        RunOptions options = new RunOptions(h.parameters(), h.name(), h.namespace(), h.failFast(), h.parallelism());
        check(workflow, options);
        JournalWriter writer = JournalWriter.append(recorded);
        return launch(workflow, h.info(), options, listener, writer, recorded.forResume());
    }

    /**
     * Starts a new run (its own name, uid and journal, which names the old run) that reruns the
     * failed, errored and cancelled tasks of an ended run and every task after them, and takes over
     * the attempts of everything else with their outputs: parameters as they were, artifacts at the
     * locations they were stored at, so later tasks read the same objects. Argo's {@code retry} is
     * the model (see {@link RunHistory#reuse}). Returns at once.
     *
     * @throws JournalException when the run has not ended, or succeeded and no task is named to rerun
     * @throws IllegalArgumentException when {@code retry.from()} names no task of the run
     * @throws InvalidWorkflowException when its template does not pass this engine's checks any more
     */
    public WorkflowRun retry(RecordedRun ended, RetryOptions retry, RunListener listener) {
        RunHeader h = ended.header();
        if (!ended.ended()) {
            throw new JournalException(ended.runningIn().map(p -> "run " + h.name() + " is still running (" + p
                    + "); let it end first").orElse("run " + h.name() + " did not end (its process died): resume it"
                    + " instead"));
        }
        if (ended.result().orElseThrow().succeeded() && retry.from() == null) {
            throw new JournalException("run " + h.name() + " succeeded: there is nothing to retry (name a task to"
                    + " rerun with what follows it)");
        }
        Workflow workflow = reload(h);
        RunHistory history = ended.forRetry(workflow, retry.from());
        String name = retry.name() != null ? retry.name() : newRunName(workflow);
        RunOptions options = new RunOptions(h.parameters(), name, h.namespace(), h.failFast(), h.parallelism());
        check(workflow, options);
        RunInfo info = new RunInfo(name, UUID.randomUUID().toString(), h.namespace(), clock.instant());
        JournalWriter writer = JournalWriter.create(retry.directory().of(name), header(info, options, h.template(),
                h.library(), h.settings(), h.onepanelConventions(), h.name()));
        return launch(workflow, info, options, listener, writer, history);
    }

    /** A new run's name, as Kubernetes' generateName makes one: the workflow's name and five random characters. */
    public static String newRunName(Workflow workflow) {
        return workflow.name() + "-" + suffix();
    }

    private static RunHeader header(RunInfo info, RunOptions options, SourceText template, List<SourceText> library,
            Map<String, String> settings, boolean conventions, String retryOf) {
        return new RunHeader(info.workflowName(), info.uid(), info.namespace(), info.creationTimestamp(), template,
                library, options.parameters(), options.failFast(), options.parallelism(), conventions, settings,
                retryOf);
    }

    /** A recorded run's workflow, loaded from its recorded texts as it was loaded then. */
    private Workflow reload(RunHeader h) {
        List<Workflow> refs = new ArrayList<>();
        for (SourceText text : h.library()) {
            LoadedTemplate loaded = new TemplateLoader().load(text.name(), text.text());
            if (loaded.workflow() != null) {
                refs.add(loaded.workflow());
            }
            refs.addAll(loaded.library());
        }
        LoadResult loaded = load(h.template().name(), h.template().text(), refs, h.onepanelConventions());
        if (loaded.hasErrors()) {
            throw new InvalidWorkflowException(loaded.errors().isEmpty() ? List.of(Diagnostic.error(
                    new SourcePosition(h.template().name(), 1, 1), "unreadable", "the template cannot be read"))
                    : loaded.errors());
        }
        return loaded.workflow();
    }

    private void check(Workflow workflow, RunOptions options) {
        List<Diagnostic> diagnostics = new ArrayList<>(validator.validate(workflow));
        diagnostics.addAll(validator.validateParameters(workflow, options.parameters(), true));
        String nameProblem = options.name() == null ? null : WorkflowValidator.runNameProblem(options.name());
        if (nameProblem != null) {
            diagnostics.add(Diagnostic.error(new SourcePosition(workflow.source(), 1, 1), "invalid-name", nameProblem));
        }
        if (diagnostics.stream().anyMatch(Diagnostic::isError)) {
            throw new InvalidWorkflowException(diagnostics);
        }
    }

    private WorkflowRun launch(Workflow workflow, RunInfo info, RunOptions options, RunListener listener,
            JournalWriter journal, RunHistory history) {
        Map<String, String> parameters = parameters(workflow, options.parameters(), info);
        Workflow effective = withFailFast(workflow, options.failFast()).withArguments(new Arguments(
                workflow.arguments().parameters().stream().map(p -> p.withValue(parameters.get(p.name()))).toList(),
                workflow.arguments().artifacts()));
        WorkflowExecution.Settings settings = new WorkflowExecution.Settings(options.parallelism(),
                options.failFast(), clock, journal == null ? RunEvents.NONE : journal, history);
        WorkflowExecution execution = new WorkflowExecution(effective, info, parameters, runtime, artifacts, listener,
                settings);
        if (journal != null) {
            execution.completion().whenComplete((result, error) -> journal.close()); // the run's lock goes with it
        }
        return execution.start();
    }

    /** Declared parameters with the user's values; {@code {{workflow.*}}} in values is replaced as Onepanel does. */
    private static Map<String, String> parameters(Workflow workflow, Map<String, String> given, RunInfo info) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Parameter p : workflow.arguments().parameters()) {
            String value = given.containsKey(p.name()) ? given.get(p.name())
                    : p.value() != null ? p.value() : p.defaultValue();
            out.put(p.name(), value == null ? "" : conveniences(value, info));
        }
        return out;
    }

    private static final java.util.regex.Pattern CONVENIENCE =
            java.util.regex.Pattern.compile("\\{\\{workflow\\.(namespace|name|uid)}}");

    /**
     * Onepanel's conveniences in parameter values, the only substitution a value ever gets: exactly
     * {@code {{workflow.namespace}}}, {@code {{workflow.name}}} and {@code {{workflow.uid}}}, in one pass
     * (what they insert is not scanned again); any other tag, {@code {{=...}}} included, stays as written.
     */
    static String conveniences(String value, RunInfo info) {
        if (!value.contains("{{workflow.")) {
            return value;
        }
        return CONVENIENCE.matcher(value).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                switch (m.group(1)) {
                    case "namespace" -> info.namespace();
                    case "name" -> info.workflowName();
                    default -> info.uid();
                }));
    }

    private static Workflow withFailFast(Workflow workflow, Boolean failFast) {
        Template entry = failFast == null ? null : workflow.templates().get(workflow.entrypoint());
        if (entry == null || entry.dag() == null) {
            return workflow;
        }
        DagSpec dag = new DagSpec(entry.dag().tasks(), entry.dag().target(), failFast, entry.dag().fromSteps(),
                entry.dag().positions());
        Map<String, Template> templates = new LinkedHashMap<>(workflow.templates());
        templates.put(entry.name(), new Template(entry.name(), entry.type(), entry.inputs(), entry.outputs(), dag,
                entry.container(), entry.script(), entry.suspend(), entry.retryStrategy(),
                entry.activeDeadlineSeconds(), entry.timeout(), entry.parallelism(), entry.failFast(), entry.daemon(),
                entry.metadata(), entry.nodeSelector(), entry.tolerations(), entry.affinity(), entry.volumes(),
                entry.sidecars(), entry.initContainers(), entry.podSpecPatch(), entry.serviceAccountName(),
                entry.securityContext(), entry.priorityClassName(), entry.positions()));
        return workflow.withTemplates(templates);
    }

    /** Like Kubernetes' generateName: five lower-case letters and digits. */
    private static String suffix() {
        String alphabet = "bcdfghjklmnpqrstvwxz2456789";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    public static final class Builder {
        private TaskRuntime runtime;
        private ArtifactStore artifacts;
        private final List<TemplateCheck> checks = new ArrayList<>();
        private final List<Workflow> library = new ArrayList<>();
        private boolean onepanelConventions = true;
        private InstallValues installValues = InstallValues.INSTALLER_DEFAULTS;
        private Clock clock = Clock.systemUTC();

        public Builder runtime(TaskRuntime value) {
            this.runtime = value;
            return this;
        }

        /** Where output artifacts get their locations (keys) and where runtimes stage them. */
        public Builder artifacts(ArtifactStore value) {
            this.artifacts = value;
            return this;
        }

        /** A check with configuration the engine lacks (node pools, an administrator's limits). */
        public Builder check(TemplateCheck value) {
            this.checks.add(value);
            return this;
        }

        /** WorkflowTemplates that {@code templateRef} may name. */
        public Builder library(List<Workflow> templates) {
            this.library.addAll(templates);
            return this;
        }

        /** Whether Onepanel's additions (the sys-metrics output) apply; on by default. */
        public Builder onepanelConventions(boolean value) {
            this.onepanelConventions = value;
            return this;
        }

        /**
         * What Onepanel's install-time placeholders ({@code {{.NodePoolLabel}}} ...) of a template
         * file are filled with: the run's artifact repository type and node pool catalogue. Unset,
         * what Onepanel's installer uses ({@link InstallValues#INSTALLER_DEFAULTS}).
         */
        public Builder installValues(InstallValues value) {
            this.installValues = Objects.requireNonNull(value, "installValues");
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        public WorkflowEngine build() {
            return new WorkflowEngine(this);
        }
    }
}
