package io.onepanel.workflow.testbed;

import io.fabric8.kubernetes.api.model.Container;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a test node does with each image, since it pulls none: the first rule whose pattern matches
 * the image wins ({@code *} matches any characters, e.g. {@code onepanel-workflow-stager:*}).
 * Without a matching rule the container's {@code command} and {@code args} run on this machine's
 * own root file system (the "host" rule); a container without a {@code command} then fails to start,
 * since only a registry knows an image's entrypoint.
 */
public final class ImageTable {

    /** Builds the command line to run on this machine from the container and the environment the pod gives it. */
    @FunctionalInterface
    public interface HostCommand {
        List<String> argv(Container container, Map<String, String> env);
    }

    /** What the node does with one image. */
    sealed interface Resolution permits OnHost, Run, CannotPull {}

    /** Runs the container's own command and args on this machine. */
    record OnHost() implements Resolution {}

    record Run(HostCommand command) implements Resolution {}

    /** The image cannot be pulled (a typo, a private registry without credentials). */
    record CannotPull() implements Resolution {}

    private record Rule(Pattern pattern, Resolution resolution) {}

    private final List<Rule> rules;

    private ImageTable(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** Every image runs on the host. */
    public static ImageTable hostOnly() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    Resolution resolve(String image) {
        for (Rule r : rules) {
            if (r.pattern().matcher(image == null ? "" : image).matches()) {
                return r.resolution();
            }
        }
        return new OnHost();
    }

    /**
     * {@code java} of this JVM with this JVM's class path, running {@code mainClass}: for images whose
     * program is Java code on the test's class path (the engine's stager, a Jenkins agent).
     */
    public static List<String> thisJvm(String mainClass, List<String> args) {
        List<String> argv = new ArrayList<>(javaCommand());
        argv.add("-cp");
        argv.add(System.getProperty("java.class.path"));
        argv.add(mainClass);
        argv.addAll(args);
        return argv;
    }

    /** {@code java} of this JVM with settings for a short-lived helper (small heap, quick start). */
    public static List<String> javaCommand() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto");
    }

    public static final class Builder {
        private final List<Rule> rules = new ArrayList<>();

        private Builder() {}

        /** Images matching {@code pattern} run {@code command} on this machine. */
        public Builder run(String pattern, HostCommand command) {
            rules.add(new Rule(glob(pattern), new Run(Objects.requireNonNull(command))));
            return this;
        }

        /** Images matching {@code pattern} run their container's command on the host (the default). */
        public Builder onHost(String pattern) {
            rules.add(new Rule(glob(pattern), new OnHost()));
            return this;
        }

        /** Images matching {@code pattern} cannot be pulled: ErrImagePull, then ImagePullBackOff. */
        public Builder cannotBePulled(String pattern) {
            rules.add(new Rule(glob(pattern), new CannotPull()));
            return this;
        }

        public ImageTable build() {
            return new ImageTable(rules);
        }

        private static Pattern glob(String pattern) {
            return Pattern.compile(java.util.Arrays.stream(pattern.split("\\*", -1)).map(Pattern::quote)
                    .collect(java.util.stream.Collectors.joining(".*")));
        }
    }
}
