package io.onepanel.workflow.runtime.local;

import io.fabric8.kubernetes.api.model.Container;
import io.onepanel.workflow.diagnostics.Diagnostic;
import io.onepanel.workflow.diagnostics.SourcePosition;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.Workflow;
import io.onepanel.workflow.validate.TemplateCheck;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What stands for an image's entrypoint on this machine. A container without {@code command} runs
 * its image's entrypoint with {@code args}; the local runtime has no image, so it runs such a
 * container only when the user maps the image (by name or glob, {@code *} and {@code ?}) to a local
 * command prefix: {@code python:3.*: [python]}; an empty prefix says the image has no entrypoint,
 * so its args are the command line ({@code alpine*: []}). The first matching entry wins.
 */
public record LocalImages(List<Entry> entries) {

    /** One mapping: images matching {@code pattern} start with {@code command}. */
    public record Entry(String pattern, List<String> command) {
        public Entry {
            command = List.copyOf(command);
        }

        boolean matches(String image) {
            StringBuilder regex = new StringBuilder();
            for (char c : pattern.toCharArray()) {
                regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
            }
            return image.matches(regex.toString());
        }
    }

    public static final LocalImages NONE = new LocalImages(List.of());

    public LocalImages {
        entries = List.copyOf(entries);
    }

    /** The command prefix that stands for {@code image}'s entrypoint, if the user mapped it. */
    public Optional<List<String>> entrypoint(String image) {
        if (image == null) {
            return Optional.empty();
        }
        return entries.stream().filter(e -> e.matches(image)).findFirst().map(Entry::command);
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
