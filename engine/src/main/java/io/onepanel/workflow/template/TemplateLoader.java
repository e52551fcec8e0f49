package io.onepanel.workflow.template;

import io.onepanel.workflow.diagnostics.Diagnostics;
import io.onepanel.workflow.template.yaml.GoTemplatePlaceholders;
import io.onepanel.workflow.template.yaml.SourceText;
import io.onepanel.workflow.template.yaml.WorkflowReader;
import io.onepanel.workflow.template.yaml.YamlSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads template text into the model. Never throws for bad input: every problem is a diagnostic
 * with its file:line:column. A file may hold several documents; the first is the workflow, the
 * others are a library of WorkflowTemplates for {@code templateRef}.
 */
public final class TemplateLoader {

    public LoadedTemplate load(String file, String text) {
        Diagnostics diagnostics = new Diagnostics();
        List<Node> documents = YamlSource.compose(file, text, diagnostics);
        if (documents.isEmpty() && !diagnostics.hasErrors()) {
            diagnostics.error(new io.onepanel.workflow.diagnostics.SourcePosition(file, 1, 1), "empty",
                    "the file holds no YAML document");
        }
        SourceText source = new SourceText(file, text);
        WorkflowReader reader = new WorkflowReader(source, diagnostics);
        Workflow workflow = null;
        List<Workflow> library = new ArrayList<>();
        for (Node document : documents) {
            Optional<Workflow> read = reader.read(document);
            if (read.isEmpty()) {
                continue; // not a workflow: its one error says so, and nothing about its insides
            }
            GoTemplatePlaceholders.report(source, document, diagnostics);
            if (workflow == null) {
                workflow = read.get();
            } else {
                library.add(read.get());
            }
        }
        return new LoadedTemplate(workflow, library, diagnostics.sorted());
    }
}
