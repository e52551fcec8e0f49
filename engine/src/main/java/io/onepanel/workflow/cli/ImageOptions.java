package io.onepanel.workflow.cli;

import io.onepanel.workflow.pod.ImageEntrypoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine.Option;

/**
 * The images file ({@code --images}): each image's entrypoint, for containers that give args but no
 * command; for local runs, the local command that stands for it. A YAML mapping, in order, from an
 * image name or glob to a command prefix:
 * <pre>
 * "python:3.*": [python]
 * "onepanel/dl:*": [/opt/conda/bin/nnictl, create]
 * "alpine*": []        # no entrypoint: the args are the command line
 * </pre>
 */
final class ImageOptions {

    @Option(names = "--images", paramLabel = "FILE", description = "A YAML mapping from an image name or glob to "
            + "its entrypoint ([] when the image has none), for containers with args but no command: put in front of "
            + "the args in a pod; for local runs, the local command that stands for it.")
    Path file;

    ImageEntrypoints images() throws IOException {
        if (file == null) {
            return ImageEntrypoints.NONE;
        }
        Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
        if (!(doc instanceof Map<?, ?> map)) {
            throw new IOException(file + ": expected a YAML mapping from an image name or glob to a command, such as"
                    + " \"python:3.*\": [python]");
        }
        List<ImageEntrypoints.Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            List<String> command = new ArrayList<>();
            if (e.getValue() instanceof List<?> words) {
                words.forEach(w -> command.add(String.valueOf(w)));
            } else if (e.getValue() instanceof String word) {
                command.add(word);
            } else {
                throw new IOException(file + ": image " + e.getKey() + ": expected a command as a list of words, such"
                        + " as [python, -u], or [] when the image has no entrypoint");
            }
            entries.add(new ImageEntrypoints.Entry(String.valueOf(e.getKey()), command));
        }
        return new ImageEntrypoints(entries);
    }
}
