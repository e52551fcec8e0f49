package io.onepanel.workflow.cli;

import io.onepanel.workflow.pod.ImageEntrypoints;
import io.onepanel.workflow.pod.PodConfig;
import io.onepanel.workflow.runtime.local.LocalImages;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Checks a template without running anything: prints every finding as "
                + "file:line:col: error|warning: message, then a summary line.",
                "Exit status: 0 valid (warnings allowed), 2 invalid."})
final class ValidateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    TemplateOptions template;

    @Mixin
    NodePoolOptions nodePools;

    @Mixin
    ImageOptions images;

    @Option(names = "--output", paramLabel = "text|json", defaultValue = "text",
            description = "text (default) or json: one JSON document with every diagnostic.")
    OutputFormat output;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        TemplateLoading.Loaded loaded;
        try {
            ImageEntrypoints entrypoints = images.images();
            PodConfig pods = PodConfig.defaults().withNodePools(nodePools.catalogue()).withImages(entrypoints);
            LocalImages localImages = new LocalImages(entrypoints);
            loaded = TemplateLoading.load(template, NodePoolOptions.installValues(pods),
                    () -> nodePools.configure(TemplateLoading.inertEngine(), pods).check(localImages.check()));
        } catch (IOException e) {
            spec.commandLine().getErr().println("onepanel-workflow: " + e.getMessage());
            return ExitCodes.INVALID;
        } catch (TemplateLoading.UnreadableFileException e) {
            spec.commandLine().getErr().println("onepanel-workflow: " + e.getMessage());
            return ExitCodes.INVALID;
        }
        if (output == OutputFormat.json) {
            DiagnosticReport.printJson(loaded.diagnostics(), template.file.toString(), out);
        } else {
            DiagnosticReport.printText(loaded.diagnostics(), template.file.toString(), out);
        }
        return loaded.hasErrors() ? ExitCodes.INVALID : ExitCodes.OK;
    }
}
