package io.onepanel.workflow.template;

import java.util.Map;

/** Labels and annotations a template adds to its pod. */
public record TemplateMetadata(Map<String, String> labels, Map<String, String> annotations) {

    public static final TemplateMetadata EMPTY = new TemplateMetadata(Map.of(), Map.of());

    public TemplateMetadata {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }
}
