package io.onepanel.workflow.template.yaml;

import io.onepanel.workflow.diagnostics.Diagnostics;
import io.onepanel.workflow.template.OnepanelUid;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Onepanel's template file: the form in which Onepanel keeps and ships its templates. A
 * {@code metadata:} block ({@code name}, a display name such as {@code PyTorch Training};
 * {@code kind}, Workflow or Workspace; {@code version}, {@code action}, {@code description},
 * {@code labels}, {@code deprecated}, {@code source}) and a {@code spec:} block. Onepanel keeps
 * only the spec as the template's manifest and names the template after its display name
 * ({@link OnepanelUid}); the other metadata says how Onepanel's own migrations install it.
 */
final class OnepanelTemplateFile {

    /** What a Workflow file holds for the reader. */
    record Read(YamlMap spec, String displayName, String name, Map<String, String> labels) {}

    private static final Set<String> METADATA_FIELDS = Set.of("name", "kind", "version", "action", "description",
            "labels", "deprecated", "source");

    private final YamlMap root;
    private final Diagnostics diagnostics;

    OnepanelTemplateFile(YamlMap root, Diagnostics diagnostics) {
        this.root = root;
        this.diagnostics = diagnostics;
    }

    /**
     * Whether a document is Onepanel's template file: a {@code kind} inside its metadata and none
     * beside it (an Argo or Kubernetes document has {@code apiVersion} and {@code kind} at the top).
     */
    static boolean isOne(YamlMap root) {
        if (root.has("apiVersion") || root.has("kind") || !root.has("spec")) {
            return false;
        }
        return root.peek("metadata") instanceof MappingNode metadata && metadata.getValue().stream()
                .map(NodeTuple::getKeyNode).anyMatch(k -> k instanceof ScalarNode s && s.getValue().equals("kind"));
    }

    /** The workflow spec and its names, or empty (with one error) when the file holds no workflow. */
    Optional<Read> spec() {
        YamlMap metadata = root.map("metadata").orElseThrow();
        String kind = metadata.text("kind");
        if ("Workspace".equals(kind)) {
            diagnostics.error(metadata.valuePosition("kind"), "onepanel-workspace", "this is an Onepanel Workspace"
                    + " template (metadata.kind: Workspace): an interactive environment such as JupyterLab that"
                    + " Onepanel keeps running, not a workflow; onepanel-workflow runs workflow templates"
                    + " (metadata.kind: Workflow) only");
            return Optional.empty();
        }
        if (!"Workflow".equals(kind)) {
            diagnostics.error(metadata.valuePosition("kind"), "not-a-workflow", "metadata.kind of this Onepanel"
                    + " template file is '" + kind + "'; expected Workflow (or Workspace, which this tool does not"
                    + " run)");
            return Optional.empty();
        }
        String displayName = metadata.text("name");
        String name = null;
        if (displayName == null || displayName.isBlank()) {
            diagnostics.error(displayName == null ? metadata.position() : metadata.valuePosition("name"),
                    "missing-field", "this Onepanel template file has no metadata.name, the template's display"
                            + " name (such as 'PyTorch Training')");
            displayName = null;
        } else {
            try {
                name = OnepanelUid.of(displayName);
            } catch (IllegalArgumentException e) {
                diagnostics.error(metadata.valuePosition("name"), "invalid-name", "the display name '" + displayName
                        + "' " + e.getMessage());
            }
        }
        Map<String, String> labels = metadata.textMap("labels");
        for (String field : Set.of("version", "action", "description", "deprecated", "source")) {
            metadata.node(field); // how Onepanel installs the template; nothing to run
        }
        metadata.reportUnread("the metadata of an Onepanel template file", METADATA_FIELDS, Set.of());
        Optional<YamlMap> spec = root.map("spec");
        root.reportUnread("an Onepanel template file", Set.of("metadata", "spec"), Set.of());
        if (spec.isEmpty()) {
            diagnostics.error(root.keyPosition("spec"), "missing-field", "the 'spec' of this Onepanel template file"
                    + " is empty; expected the workflow (entrypoint, arguments, templates)");
            return Optional.empty();
        }
        return Optional.of(new Read(spec.get(), displayName, name, labels));
    }
}
