package io.jenkins.plugins.onepanel.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import io.onepanel.workflow.artifact.ObjectKeys;
import java.util.ArrayList;
import java.util.List;

/**
 * Which keys of the artifact repository's bucket a job may use: those at or below its prefix. By
 * default a job's prefix is its full name ({@code team-a/nightly}), so one job cannot read or
 * overwrite another's artifacts with the repository's credentials; an administrator may give a
 * folder one prefix for all the jobs below it (jobs that hand artifacts to each other), one rule per
 * line, {@code FOLDER = PREFIX}; the deepest folder that holds the job wins.
 */
public record KeyPrefixes(@NonNull List<Rule> rules) {

    /** The jobs at or below {@code folder} (a full name) use {@code prefix}. */
    public record Rule(@NonNull String folder, @NonNull String prefix) {}

    public static final KeyPrefixes NONE = new KeyPrefixes(List.of());

    public KeyPrefixes {
        rules = List.copyOf(rules);
    }

    /** The rules of the administrator's text; a line the form would refuse is left out. */
    @NonNull
    public static KeyPrefixes parse(@CheckForNull String text) {
        List<Rule> rules = new ArrayList<>();
        for (String line : RuleLines.of(text)) {
            if (problemOf(line) == null) { // a hand-edited file's bad line falls back to the job's own name
                int equals = line.indexOf('=');
                rules.add(new Rule(trimSlashes(line.substring(0, equals)), trimSlashes(line.substring(equals + 1))));
            }
        }
        return new KeyPrefixes(rules);
    }

    /** What is wrong with each line of the administrator's text, as "line N: ...", or an empty list. */
    @NonNull
    public static List<String> problems(@CheckForNull String text) {
        return RuleLines.problems(text, KeyPrefixes::problemOf);
    }

    private static String problemOf(String line) {
        int equals = line.indexOf('=');
        if (equals < 0) {
            return "expected FOLDER = PREFIX, e.g. team-a = shared/team-a";
        }
        String folder = trimSlashes(line.substring(0, equals));
        String prefix = trimSlashes(line.substring(equals + 1));
        if (folder.isEmpty()) {
            return "no folder before '='";
        }
        if (prefix.isEmpty()) {
            return "no prefix after '=': a job may not use the whole bucket";
        }
        String problem = ObjectKeys.problem(prefix);
        return problem == null ? null : "the prefix '" + prefix + "' is not a usable key: " + problem;
    }

    /** The prefix of the job with this full name. */
    @NonNull
    public String prefixOf(@NonNull String jobFullName) {
        Rule best = null;
        for (Rule rule : rules) {
            boolean holds = jobFullName.equals(rule.folder()) || jobFullName.startsWith(rule.folder() + "/");
            if (holds && (best == null || rule.folder().length() > best.folder().length())) {
                best = rule;
            }
        }
        return best != null ? best.prefix() : jobFullName;
    }

    private static String trimSlashes(String s) {
        String t = s.strip();
        while (t.startsWith("/")) {
            t = t.substring(1);
        }
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }
}
