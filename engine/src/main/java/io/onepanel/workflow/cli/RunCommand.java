package io.onepanel.workflow.cli;

import io.onepanel.workflow.artifact.RoutingArtifactStore;
import io.onepanel.workflow.engine.InvalidWorkflowException;
import io.onepanel.workflow.engine.RunOptions;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.engine.WorkflowEngine;
import io.onepanel.workflow.engine.WorkflowRun;
import io.onepanel.workflow.runtime.TaskRuntime;
import io.onepanel.workflow.runtime.kubernetes.KubernetesRuntimeConfig;
import io.onepanel.workflow.runtime.kubernetes.KubernetesTaskRuntime;
import io.onepanel.workflow.runtime.local.LocalImages;
import io.onepanel.workflow.runtime.local.LocalRuntimeOptions;
import io.onepanel.workflow.runtime.local.LocalTaskRuntime;
import io.onepanel.workflow.template.Parameter;
import io.onepanel.workflow.validate.WorkflowValidator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Validates and runs a workflow: on this machine by default (each task a local process "
                + "in private mount namespaces, artifacts in a local directory), or on Kubernetes.",
                "Shows live progress, then a summary table of every task.",
                "Exit status: 0 succeeded, 1 failed or errored, 2 invalid input (nothing ran), 130 interrupted "
                        + "(SIGINT, Ctrl-C), 143 terminated (SIGTERM): either signal cancels the run and waits "
                        + "until nothing of it is left running."})
final class RunCommand implements Callable<Integer> {

    private static final long CANCEL_WAIT_SECONDS = 60;

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

    @Option(names = "--parallelism", paramLabel = "N", description = "At most N tasks at once (the tighter of "
            + "this and the template's wins).")
    Integer parallelism;

    @Option(names = "--fail-fast", paramLabel = "true|false", arity = "1",
            description = "Overrides the entrypoint DAG's failFast.")
    Boolean failFast;

    @Option(names = "--name", paramLabel = "NAME", description = "The run's name ({{workflow.name}}); default: "
            + "the template's name and a random suffix.")
    String name;

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
        if (kubernetes && !artifacts.usesS3()) {
            err.println("onepanel-workflow: --kubernetes needs an S3 artifact repository (--s3-bucket or "
                    + "ONEPANEL_S3_BUCKET): pods cannot reach " + artifacts.directory);
            return ExitCodes.INVALID;
        }
        io.onepanel.workflow.pod.PodConfig podConfig;
        LocalImages localImages;
        try {
            podConfig = pods.podConfig();
            localImages = images.images();
        } catch (java.io.IOException e) {
            err.println("onepanel-workflow: " + e.getMessage());
            return ExitCodes.INVALID;
        }
        Map<String, String> env = System.getenv();
        Terminal term = terminal != null ? terminal : Terminal.detect(env);
        PrintWriter progressOut = output == OutputFormat.json ? err : out;
        try (RoutingArtifactStore store = artifacts.store(new EnvironmentCredentials(env));
                TaskRuntime runtime = runtime(store, podConfig, localImages)) {
            TemplateLoading.Loaded loaded;
            try {
                loaded = TemplateLoading.load(template, NodePoolOptions.installValues(podConfig),
                        () -> localChecks(pods.withChecks(WorkflowEngine.builder().runtime(runtime).artifacts(store),
                                podConfig), localImages));
            } catch (TemplateLoading.UnreadableFileException e) {
                err.println("onepanel-workflow: " + e.getMessage());
                return ExitCodes.INVALID;
            }
            if (loaded.hasErrors()) {
                invalid(loaded, err);
                return ExitCodes.INVALID;
            }
            try {
                store.checkRepository(); // bad S3 credentials, bucket or endpoint: told before any task runs
            } catch (io.onepanel.workflow.artifact.ArtifactException e) {
                err.println("onepanel-workflow: " + e.getMessage());
                return ExitCodes.INVALID;
            }
            if (output == OutputFormat.text) {
                String title = loaded.workflow().displayName() == null ? template.file.toString()
                        : loaded.workflow().displayName() + " (" + template.file + ")";
                out.println(term.styled("1", "Running " + title) + " "
                        + term.styled("2", "(" + (kubernetes ? "Kubernetes" : "local processes") + ", artifacts in "
                        + artifacts.describe() + ")"));
                out.flush();
            }
            return run(loaded, term, progressOut, out, err);
        }
    }

    private int run(TemplateLoading.Loaded loaded, Terminal term, PrintWriter progressOut, PrintWriter out,
            PrintWriter err) {
        ProgressDisplay progress = new ProgressDisplay(progressOut, term);
        WorkflowRun run;
        try {
            run = loaded.engine().start(loaded.workflow(),
                    new RunOptions(template.parameters, name, namespace, failFast, parallelism), progress);
        } catch (InvalidWorkflowException e) {
            progress.close();
            DiagnosticReport.printText(e.diagnostics(), template.file.toString(), err);
            return ExitCodes.INVALID;
        }
        // SIGINT and SIGTERM cancel the run; the command waits for the clean-up, then says which it was.
        TerminationSignals signals = TerminationSignals.install(signal -> {
            progress.close();
            err.println("\n" + signal.description() + ": cancelling " + run.info().workflowName()
                    + " and cleaning up...");
            err.flush();
            run.cancel("cancelled by SIG" + signal.name());
        });
        // Anything else that ends the JVM (SIGHUP, or a signal this JVM keeps for itself) still cancels.
        AtomicBoolean shutDown = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            shutDown.set(true);
            progress.close();
            err.println("\nThe command is being ended: cancelling " + run.info().workflowName()
                    + " and cleaning up...");
            err.flush();
            run.cancel("the command was ended");
            try {
                run.completion().get(CANCEL_WAIT_SECONDS, TimeUnit.SECONDS);
                err.println("Cancelled; nothing of the run is left running.");
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                err.println("Cancelled, but clean-up did not finish within " + CANCEL_WAIT_SECONDS + "s.");
            }
            err.flush();
        }, "onepanel-workflow-cancel");
        Runtime.getRuntime().addShutdownHook(hook);
        RunResult result;
        try {
            result = run.completion().join();
        } finally {
            signals.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is cancelling the run
            }
        }
        progress.close();
        if (signals.received().isPresent()) {
            err.println("Cancelled; nothing of the run is left running.");
            err.flush();
            return signals.received().get().exitCode();
        }
        if (shutDown.get()) {
            return ExitCodes.INTERRUPTED;
        }
        if (output == OutputFormat.json) {
            out.println(RunResultJson.of(result, loaded.workflow().displayName()));
            out.flush();
        } else {
            SummaryTable.print(result, term, out);
        }
        return result.succeeded() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** A local run warns of each container whose image's entrypoint it cannot run. */
    private WorkflowEngine.Builder localChecks(WorkflowEngine.Builder builder, LocalImages localImages) {
        return kubernetes ? builder : builder.check(localImages.check());
    }

    private TaskRuntime runtime(RoutingArtifactStore store, io.onepanel.workflow.pod.PodConfig podConfig,
            LocalImages localImages) {
        if (kubernetes) {
            KubernetesRuntimeConfig config = KubernetesRuntimeConfig.defaults().withPod(podConfig);
            if (namespace != null) {
                config = config.withNamespace(namespace);
            }
            if (context != null) {
                config = config.withContext(context);
            }
            return new KubernetesTaskRuntime(config);
        }
        return new LocalTaskRuntime(work.toAbsolutePath(), store, LocalRuntimeOptions.defaults(), localImages);
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
