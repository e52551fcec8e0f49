package io.onepanel.workflow.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What every command that reads a template takes: the file, its parameters, its library. */
final class TemplateOptions {

    @Parameters(index = "0", paramLabel = "FILE", description = "The workflow template (Argo Workflow or "
            + "WorkflowTemplate YAML, or an Onepanel template manifest).")
    Path file;

    @Option(names = {"-p", "--parameter"}, paramLabel = "NAME=VALUE",
            description = "A workflow parameter (spec.arguments.parameters); repeatable.")
    Map<String, String> parameters = new LinkedHashMap<>();

    @Option(names = "--library", paramLabel = "FILE",
            description = "A WorkflowTemplate file that templateRef may name; repeatable.")
    List<Path> library = new ArrayList<>();
}
