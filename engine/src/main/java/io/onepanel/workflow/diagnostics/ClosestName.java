package io.onepanel.workflow.diagnostics;

import java.util.Collection;
import java.util.Optional;

/** Finds the name a user most likely meant, for "did you mean ...?" hints. */
public final class ClosestName {

    private ClosestName() {}

    public static Optional<String> among(String wrong, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(wrong.toLowerCase(java.util.Locale.ROOT), candidate.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        // Beyond a third of the name, a suggestion is more confusing than helpful; and a name that
        // would have to change entirely ('Z' for 'A') is no typo.
        int allowed = Math.max(2, wrong.length() / 3);
        boolean typo = bestDistance <= allowed && bestDistance < wrong.length();
        return best != null && typo ? Optional.of(best) : Optional.empty();
    }

    /** " did you mean 'x'?" or nothing, ready to append to a message. */
    public static String hint(String wrong, Collection<String> known) {
        return among(wrong, known).map(n -> "; did you mean '" + n + "'?").orElse("");
    }

    private static int distance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 64) {
            return Integer.MAX_VALUE;
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
