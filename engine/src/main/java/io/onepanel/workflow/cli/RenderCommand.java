package io.onepanel.workflow.cli;

import io.onepanel.workflow.artifact.ArtifactRepository;
import io.onepanel.workflow.artifact.ArtifactStore;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.engine.InvalidWorkflowException;
import io.onepanel.workflow.engine.RunOptions;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.engine.RunListener;
import io.onepanel.workflow.engine.WorkflowEngine;
import io.onepanel.workflow.pod.PodConfig;
import io.onepanel.workflow.pod.PodRenderer;
import io.onepanel.workflow.pod.TaskPodTranslator;
import io.onepanel.workflow.template.Artifact;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "render", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prints every task's pod as YAML documents separated by ---, ready for "
                + "kubectl apply --dry-run=server.",
                "The workflow goes through the engine with a runtime that runs nothing: every task is "
                        + "reported as succeeded at once, with empty results and default output parameters. "
                        + "So loops and when conditions are expanded only as far as such fake successes allow "
                        + "(a withParam over a result renders no items).",
                "Exit status: 0 rendered, 1 a pod could not be built, 2 invalid input."})
final class RenderCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    TemplateOptions template;

    @Mixin
    PodOptions pods;

    @Mixin
    ImageOptions images;

    @Option(names = "--s3-bucket", paramLabel = "BUCKET", defaultValue = "${env:ONEPANEL_S3_BUCKET}",
            description = "The artifact bucket output keys are placed in (env ONEPANEL_S3_BUCKET).")
    String bucket;

    @Option(names = "--namespace", paramLabel = "NS", description = "{{workflow.namespace}} (default: default).")
    String namespace;

    @Option(names = "--name", paramLabel = "NAME", description = "{{workflow.name}} (default: the template's name "
            + "and a random suffix).")
    String name;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PodConfig config;
        try {
            config = pods.podConfig().withImages(images.images());
        } catch (IOException e) {
            err.println("onepanel-workflow: " + e.getMessage());
            return ExitCodes.INVALID;
        }
        RenderRuntime runtime = new RenderRuntime(new TaskPodTranslator(config));
        ArtifactRepository repository = ArtifactRepository.onepanel(bucket != null ? bucket : "artifacts");
        ArtifactStore keys = new KeysOnly(repository);
        TemplateLoading.Loaded loaded;
        try {
            loaded = TemplateLoading.load(template, NodePoolOptions.installValues(config),
                    () -> pods.withChecks(WorkflowEngine.builder().runtime(runtime).artifacts(keys), config));
        } catch (TemplateLoading.UnreadableFileException e) {
            err.println("onepanel-workflow: " + e.getMessage());
            return ExitCodes.INVALID;
        }
        if (loaded.hasErrors()) {
            DiagnosticReport.printText(loaded.diagnostics(), template.file.toString(), err);
            return ExitCodes.INVALID;
        }
        RunResult result;
        try {
            result = loaded.engine().start(loaded.workflow(),
                    new RunOptions(template.parameters, name, namespace, null, null), RunListener.NONE)
                    .completion().get(5, TimeUnit.MINUTES);
        } catch (InvalidWorkflowException e) {
            DiagnosticReport.printText(e.diagnostics(), template.file.toString(), err);
            return ExitCodes.INVALID;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            err.println("onepanel-workflow: rendering did not finish: " + e);
            return ExitCodes.FAILED;
        }
        out.print(PodRenderer.renderAll(runtime.pods()));
        out.flush();
        runtime.errors().forEach(e -> err.println("onepanel-workflow: cannot build the pod of " + e));
        if (!runtime.errors().isEmpty() || !result.succeeded()) {
            if (result.message() != null) {
                err.println("onepanel-workflow: " + result.message());
            }
            err.flush();
            return ExitCodes.FAILED;
        }
        return ExitCodes.OK;
    }

    /** Gives outputs their keys in the repository; moves nothing. */
    private record KeysOnly(ArtifactRepository repository) implements ArtifactStore {
        @Override
        public Artifact locate(Artifact output, Map<String, String> variables) {
            return repository.locate(output, variables);
        }

        @Override
        public void fetch(Artifact input, Path target, TransferListener listener) {
            throw new IllegalStateException("render moves no artifacts");
        }

        @Override
        public Artifact store(Artifact output, Path source, TransferListener listener) {
            return output;
        }
    }
}
