package io.onepanel.workflow.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Onepanel adds to every workflow it runs, so that templates written for it behave here as
 * there: each container and script template gets the optional output artifact {@code sys-metrics}
 * ({@code /tmp/sys-metrics.json}, stored unarchived), which tasks may read as
 * {@code {{tasks.X.outputs.artifacts.sys-metrics}}}.
 */
public final class OnepanelConventions {

    public static final String METRICS_ARTIFACT = "sys-metrics";
    public static final String METRICS_PATH = "/tmp/sys-metrics.json";

    private OnepanelConventions() {}

    public static Workflow apply(Workflow workflow) {
        Map<String, Template> templates = new LinkedHashMap<>();
        boolean changed = false;
        for (Map.Entry<String, Template> e : workflow.templates().entrySet()) {
            Template t = e.getValue();
            if (t.type().runsPod() && t.outputs().artifact(METRICS_ARTIFACT).isEmpty()) {
                List<Artifact> artifacts = new ArrayList<>(t.outputs().artifacts());
                artifacts.add(new Artifact(METRICS_ARTIFACT, METRICS_PATH, null, null, null, true, null, null,
                        ArchiveStrategy.NONE, null, null, null, null, t.positions()));
                templates.put(e.getKey(), t.withOutputs(new Outputs(t.outputs().parameters(), artifacts)));
                changed = true;
            } else {
                templates.put(e.getKey(), t);
            }
        }
        return changed ? workflow.withTemplates(templates) : workflow;
    }
}
