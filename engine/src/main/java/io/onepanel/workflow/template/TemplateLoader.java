package io.onepanel.workflow.template;

import io.onepanel.workflow.diagnostics.Diagnostics;
import io.onepanel.workflow.diagnostics.SourcePosition;
import io.onepanel.workflow.template.yaml.GoTemplatePlaceholders;
import io.onepanel.workflow.template.yaml.PlaceholderFill;
import io.onepanel.workflow.template.yaml.SourceText;
import io.onepanel.workflow.template.yaml.WorkflowReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads template text into the model. Never throws for bad input: every problem is a diagnostic
 * with its file:line:column. A file may hold several documents; the first is the workflow, the
 * others are a library of WorkflowTemplates for {@code templateRef}.
 *
 * <p>Onepanel's install-time placeholders ({@link InstallPlaceholder}) are filled in first, from
 * the configuration given, as Onepanel fills them when it installs a file; positions still name
 * the file as written.
 */
public final class TemplateLoader {

    private final InstallValues installValues;

    /** A loader with what Onepanel's installer uses when nothing is configured. */
    public TemplateLoader() {
        this(InstallValues.INSTALLER_DEFAULTS);
    }

    public TemplateLoader(InstallValues installValues) {
        this.installValues = java.util.Objects.requireNonNull(installValues, "installValues");
    }

    public LoadedTemplate load(String file, String text) {
        Diagnostics diagnostics = new Diagnostics();
        PlaceholderFill filled = PlaceholderFill.of(text, installValues);
        List<Node> documents = filled.compose(file, diagnostics);
        if (documents.isEmpty() && !diagnostics.hasErrors()) {
            diagnostics.error(new io.onepanel.workflow.diagnostics.SourcePosition(file, 1, 1), "empty",
                    "the file holds no YAML document");
        }
        SourceText source = filled.source(file);
        WorkflowReader reader = new WorkflowReader(source, diagnostics);
        Workflow workflow = null;
        List<Workflow> library = new ArrayList<>();
        for (Node document : documents) {
            Optional<Workflow> read = reader.read(document);
            if (read.isEmpty()) {
                continue; // not a workflow: its one error says so, and nothing about its insides
            }
            GoTemplatePlaceholders.report(source, document, parameterValues(read.get()), diagnostics);
            if (workflow == null) {
                workflow = read.get();
            } else {
                library.add(read.get());
            }
        }
        return new LoadedTemplate(workflow, library, diagnostics.sorted());
    }

    /** Where the workflow's own parameters' values start. */
    private static Set<SourcePosition> parameterValues(Workflow workflow) {
        Set<SourcePosition> at = new HashSet<>();
        for (Parameter p : workflow.arguments().parameters()) {
            if (p.value() != null && p.positions().has("value")) {
                at.add(p.positions().of("value").withoutLayout());
            }
        }
        return at;
    }
}
