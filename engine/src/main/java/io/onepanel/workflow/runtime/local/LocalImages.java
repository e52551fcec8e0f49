package io.onepanel.workflow.runtime.local;

import io.fabric8.kubernetes.api.model.Container;
import io.onepanel.workflow.diagnostics.Diagnostic;
import io.onepanel.workflow.diagnostics.SourcePosition;
import io.onepanel.workflow.pod.ImageEntrypoints;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.Workflow;
import io.onepanel.workflow.validate.TemplateCheck;
import java.util.List;
import java.util.Optional;

/**
 * What stands for an image's entrypoint on this machine. A container without {@code command} runs
 * its image's entrypoint with {@code args}; the local runtime has no image, so it runs such a
 * container only when the user maps the image to a local command prefix ({@link ImageEntrypoints});
 * an empty prefix says the image has no entrypoint, so its args are the command line.
 */
public record LocalImages(ImageEntrypoints entrypoints) {

    public static final LocalImages NONE = new LocalImages(ImageEntrypoints.NONE);

    public LocalImages {
        entrypoints = entrypoints == null ? ImageEntrypoints.NONE : entrypoints;
    }

    /** The command prefix that stands for {@code image}'s entrypoint, if the user mapped it. */
    public Optional<List<String>> entrypoint(String image) {
        return entrypoints.entrypoint(image);
    }

    /**
     * A warning for each container whose image's entrypoint would run (no {@code command}) and that
     * no entry maps: a local run stops at that task.
     */
    public TemplateCheck check() {
        return (workflow, template) -> warnings(workflow, template);
    }

    private List<Diagnostic> warnings(Workflow workflow, Template t) {
        Container main = t.mainContainer();
        if (main == null || main.getCommand() != null && !main.getCommand().isEmpty()
                || entrypoint(main.getImage()).isPresent()) {
            return List.of();
        }
        String kind = t.type().key();
        SourcePosition at = t.positions() == null ? SourcePosition.unknown(workflow.source())
                : t.positions().has(kind + ".args") ? t.positions().of(kind + ".args") : t.positions().of(kind);
        return List.of(Diagnostic.warning(at, "image-entrypoint", "the " + kind + " of template '" + t.name()
                + "' has " + (main.getArgs() == null || main.getArgs().isEmpty() ? "no command and no args"
                        : "args but no command") + ": " + whatWouldRun(main)));
    }

    /** Why a local run cannot run the container, and what makes it run: for warnings and errors alike. */
    static String whatWouldRun(Container main) {
        return "in a container the entrypoint of image " + main.getImage() + " runs"
                + (main.getArgs() == null || main.getArgs().isEmpty() ? "" : " them") + ", which a local run cannot"
                + " know; give the " + "container a command, or map the image to a local command in an images file"
                + " (run --images FILE, a line such as '\"" + main.getImage() + "\": [program]'; [] when the image"
                + " has no entrypoint)";
    }
}
