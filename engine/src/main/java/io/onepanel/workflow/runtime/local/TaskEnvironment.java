package io.onepanel.workflow.runtime.local;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The part of the engine's own environment a task starts with, before the template's {@code env}.
 * A container gets its environment from its image and its template, never from the machine that
 * schedules it; locally the image is not used, so a task gets what finding and running this
 * machine's commands needs, and nothing of the engine's configuration or credentials
 * ({@code AWS_*}, {@code ONEPANEL_*}, {@code KUBECONFIG}, {@code JAVA_*}, CI variables...):
 *
 * <ul>
 *   <li>{@code PATH}: commands are this machine's (the default of container runtimes when unset);
 *   <li>{@code HOME}: where tools keep their settings and caches (pip, git, conda);
 *   <li>{@code LANG}, {@code LANGUAGE}, {@code LC_*}: the character set of the task's output;
 *   <li>{@code TZ}: the time zone its timestamps are printed in.
 * </ul>
 *
 * {@code TMPDIR} is not passed: each task has a {@code /tmp} of its own. {@code TERM} is not
 * passed: a task's output goes to a pipe, not a terminal. Anything else a task needs goes in the
 * template's {@code env}, as it would on Kubernetes.
 */
final class TaskEnvironment {

    /** The variables passed through by name. */
    static final List<String> PASSED = List.of("PATH", "HOME", "LANG", "LANGUAGE", "TZ");

    /** Locale categories, passed through by prefix. */
    static final String LOCALE_PREFIX = "LC_";

    /** What containerd and Docker set when an image says nothing. */
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private TaskEnvironment() {}

    /** The variables of {@code engine} a task may see, with {@code PATH} always set. */
    static Map<String, String> from(Map<String, String> engine) {
        Map<String, String> task = new TreeMap<>();
        engine.forEach((name, value) -> {
            if (PASSED.contains(name) || name.startsWith(LOCALE_PREFIX)) {
                task.put(name, value);
            }
        });
        task.putIfAbsent("PATH", DEFAULT_PATH);
        return Map.copyOf(task);
    }
}
