package io.jenkins.plugins.onepanel.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** An administrator's rules written one per line, with blank lines and {@code #} comments. */
final class RuleLines {

    private RuleLines() {}

    /** The rules, stripped, without blank lines and comments. */
    @NonNull
    static List<String> of(@CheckForNull String text) {
        List<String> rules = new ArrayList<>();
        if (text != null) {
            for (String line : text.split("\\R")) {
                String rule = line.strip();
                if (!rule.isEmpty() && !rule.startsWith("#")) {
                    rules.add(rule);
                }
            }
        }
        return rules;
    }

    /**
     * What {@code problemOf} finds wrong with each rule, as "line N: ...", numbered as the
     * administrator sees the text.
     */
    @NonNull
    static List<String> problems(@CheckForNull String text, @NonNull Function<String, String> problemOf) {
        List<String> problems = new ArrayList<>();
        if (text == null) {
            return problems;
        }
        String[] lines = text.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String rule = lines[i].strip();
            if (rule.isEmpty() || rule.startsWith("#")) {
                continue;
            }
            String problem = problemOf.apply(rule);
            if (problem != null) {
                problems.add("line " + (i + 1) + ": " + problem);
            }
        }
        return problems;
    }
}
