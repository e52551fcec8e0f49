package io.onepanel.workflow.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "graph", mixinStandardHelpOptions = true,
        description = {"Prints the entrypoint's DAG as Graphviz DOT or a Mermaid flowchart: nested DAG "
                + "templates as clusters/subgraphs, looped tasks marked, depends conditions as edge labels.",
                "Exit status: 0 printed, 2 invalid template (diagnostics on stderr)."})
final class GraphCommand implements Callable<Integer> {

    enum Format {
        dot,
        mermaid
    }

    @Spec
    CommandSpec spec;

    @Mixin
    TemplateOptions template;

    @Option(names = "--format", paramLabel = "dot|mermaid", defaultValue = "dot",
            description = "dot (default, for Graphviz: | dot -Tsvg) or mermaid.")
    Format format;

    @Override
    public Integer call() {
        TemplateLoading.Loaded loaded;
        try {
            loaded = TemplateLoading.load(template, TemplateLoading::inertEngine);
        } catch (TemplateLoading.UnreadableFileException e) {
            spec.commandLine().getErr().println("onepanel-workflow: " + e.getMessage());
            return ExitCodes.INVALID;
        }
        if (loaded.hasErrors()) {
            DiagnosticReport.printText(loaded.diagnostics(), template.file.toString(), spec.commandLine().getErr());
            return ExitCodes.INVALID;
        }
        DagGraph graph = DagGraph.of(loaded.workflow());
        spec.commandLine().getOut().print(format == Format.dot ? DotGraph.render(graph) : MermaidGraph.render(graph));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
