package io.onepanel.workflow.pod;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What each image's entrypoint is, as the user says (an images file): the engine pulls no image,
 * so a container that gives {@code args} but no {@code command} can only be run when its image is
 * mapped here, by name or glob ({@code *} and {@code ?}), to the command prefix that its
 * entrypoint is ({@code python:3.*: [python]}; {@code []} for an image without one). The first
 * matching entry wins. Argo's controller keeps the same list ({@code images:} in its configuration)
 * for its emissary executor, which must know the command it runs.
 */
public record ImageEntrypoints(List<Entry> entries) {

    /** One mapping: images matching {@code pattern} have {@code command} as their entrypoint. */
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

    public static final ImageEntrypoints NONE = new ImageEntrypoints(List.of());

    public ImageEntrypoints {
        entries = List.copyOf(entries);
    }

    /** The command prefix that is {@code image}'s entrypoint, if the user mapped it. */
    public Optional<List<String>> entrypoint(String image) {
        if (image == null) {
            return Optional.empty();
        }
        return entries.stream().filter(e -> e.matches(image)).findFirst().map(Entry::command);
    }
}
