package io.onepanel.workflow.cli;

import io.onepanel.workflow.artifact.RoutingArtifactStore;
import io.onepanel.workflow.engine.InvalidWorkflowException;
import io.onepanel.workflow.engine.RunOptions;
import io.onepanel.workflow.engine.WorkflowRun;
import io.onepanel.workflow.journal.JournalDirectory;
import io.onepanel.workflow.journal.JournalException;
import io.onepanel.workflow.journal.JournalTarget;
import io.onepanel.workflow.runtime.local.LocalTaskRuntime;
import io.onepanel.workflow.template.Parameter;
import io.onepanel.workflow.validate.WorkflowValidator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Validates and runs a workflow: on this machine by default (each task a local process "
                + "in private mount namespaces, artifacts in a local directory), or on Kubernetes.",
                "Shows live progress, then a summary table of every task.",
                "Every change of the run is appended to its journal, RUNS/<run name>/journal.jsonl: `resume` "
                        + "continues a run whose process died, `retry` reruns the failed tasks of one that failed.",
                "Exit status: 0 succeeded, 1 failed or errored, 2 invalid input (nothing ran), 130 interrupted "
                        + "(SIGINT, Ctrl-C), 143 terminated (SIGTERM): either signal cancels the run and waits "
                        + "until nothing of it is left running."})
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    TemplateOptions template;

    @Mixin
    ArtifactOptions artifacts;

    @Option(names = "--work", paramLabel = "DIR", defaultValue = ".onepanel-workflow/work",
            description = "Where local tasks get their private directories (default: ${DEFAULT-VALUE}).")
    Path work;

    @Option(names = "--kubernetes", description = "Run every task as a pod (needs --s3-bucket for artifacts).")
    boolean kubernetes;

    @picocli.CommandLine.Mixin
    PodOptions pods;

    @Mixin
    ImageOptions images;

    @Option(names = "--namespace", paramLabel = "NS", description = "With --kubernetes: the namespace "
            + "(default: the kubeconfig's).")
    String namespace;

    @Option(names = "--context", paramLabel = "CONTEXT", description = "With --kubernetes: the kubeconfig context.")
    String context;

    @Mixin
    PodStartTimeoutOption podStartTimeout;

    @Option(names = "--parallelism", paramLabel = "N", description = "At most N tasks at once (the tighter of "
            + "this and the template's wins).")
    Integer parallelism;

    @Option(names = "--fail-fast", paramLabel = "true|false", arity = "1",
            description = "Overrides the entrypoint DAG's failFast.")
    Boolean failFast;

    @Option(names = "--name", paramLabel = "NAME", description = "The run's name ({{workflow.name}}); default: "
            + "the template's name and a random suffix.")
    String name;

    @Option(names = "--runs", paramLabel = "DIR", defaultValue = RecordedRunOptions.DEFAULT_RUNS,
            description = "Where each run keeps its journal, in a directory named after it (default: "
                    + "${DEFAULT-VALUE}).")
    Path runs;

    @Option(names = "--output", paramLabel = "text|json", defaultValue = "text",
            description = "text (default) or json: the run's result as JSON on stdout, progress on stderr.")
    OutputFormat output;

    /** Tests set this; the command line detects it. */
    Terminal terminal;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String badName = name == null ? null : WorkflowValidator.runNameProblem(name);
        if (badName != null) {
            err.println("onepanel-workflow: --name: " + badName);
            return ExitCodes.INVALID;
        }
        Map<String, String> env = System.getenv();
        Backend backend = new Backend(kubernetes, namespace, context, work, artifacts, pods, images,
                podStartTimeout.value);
        Backend.Opened opened = backend.openOrSay(env, err);
        if (opened == null) {
            return ExitCodes.INVALID;
        }
        Terminal term = terminal != null ? terminal : Terminal.detect(env);
        PrintWriter progressOut = output == OutputFormat.json ? err : out;
        try (opened) {
            RoutingArtifactStore store = opened.store();
            TemplateLoading.Loaded loaded;
            try {
                loaded = TemplateLoading.load(template, opened.installValues(), () -> opened.engine(pods));
            } catch (TemplateLoading.UnreadableFileException e) {
                err.println("onepanel-workflow: " + e.getMessage());
                return ExitCodes.INVALID;
            }
            if (loaded.hasErrors()) {
                invalid(loaded, err);
                return ExitCodes.INVALID;
            }
            String unwritable = kubernetes ? null
                    : LocalWork.unwritable(work, artifacts.usesS3() ? null : artifacts.directory);
            if (unwritable != null) {
                err.println("onepanel-workflow: " + unwritable);
                return ExitCodes.INVALID;
            }
            // Bad S3 credentials, bucket or endpoint: told before any task runs.
            Integer unusable = RepositoryPreflight.check(store, err);
            if (unusable != null) {
                return unusable;
            }
            if (opened.runtime() instanceof LocalTaskRuntime local) {
                LocalWork.removeLeftovers(local, store, runs, err);
            }
            if (output == OutputFormat.text) {
                String title = loaded.workflow().displayName() == null ? template.file.toString()
                        : loaded.workflow().displayName() + " (" + template.file + ")";
                out.println(term.styled("1", "Running " + title) + " " + term.styled("2", "(" + backend.describe()
                        + ")"));
                out.flush();
            }
            return run(loaded, backend, term, progressOut, out, err);
        }
    }

    private int run(TemplateLoading.Loaded loaded, Backend backend, Terminal term, PrintWriter progressOut,
            PrintWriter out, PrintWriter err) {
        ProgressDisplay progress = new ProgressDisplay(progressOut, term);
        JournalTarget journal = new JournalTarget(JournalDirectory.under(runs.toAbsolutePath()), loaded.template(),
                loaded.library(), backend.settings());
        WorkflowRun run;
        try {
            run = loaded.engine().start(loaded.workflow(),
                    new RunOptions(template.parameters, name, namespace, failFast, parallelism), progress, journal);
        } catch (InvalidWorkflowException e) {
            progress.close();
            DiagnosticReport.printText(e.diagnostics(), template.file.toString(), err);
            return ExitCodes.INVALID;
        } catch (JournalException e) {
            progress.close();
            err.println("onepanel-workflow: " + e.getMessage());
            return ExitCodes.INVALID;
        }
        return ForegroundRun.attend(run, progress, output, loaded.workflow().displayName(),
                RecordedRunOptions.retryCommand(run.info().workflowName(), runs), term, out, err);
    }

    private void invalid(TemplateLoading.Loaded loaded, PrintWriter err) {
        DiagnosticReport.printText(loaded.diagnostics(), template.file.toString(), err);
        if (loaded.workflow() == null) {
            return;
        }
        List<String> declared = loaded.workflow().arguments().parameters().stream().map(Parameter::name).toList();
        boolean unknownGiven = template.parameters.keySet().stream().anyMatch(p -> !declared.contains(p));
        if (unknownGiven) {
            err.println("hint: " + (declared.isEmpty() ? "this template declares no parameters"
                    : "this template's parameters are " + String.join(", ", declared))
                    + " (spec.arguments.parameters; give them as -p NAME=VALUE)");
        }
        err.flush();
    }
}
