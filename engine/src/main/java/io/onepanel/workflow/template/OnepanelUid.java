package io.onepanel.workflow.template;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The Kubernetes name Onepanel gives a workflow template from its display name (its "uid"):
 * every run of characters other than ASCII letters, digits and '-' becomes one '-', and the
 * whole is lower-cased, so {@code PyTorch Training} is {@code pytorch-training}. Onepanel refuses
 * a display name whose uid is longer than {@link #MAX_LENGTH}. Unlike Onepanel, dashes at either
 * end are dropped, so that the uid is always a valid RFC 1123 name ({@code (Beta) Train} is
 * {@code beta-train}, not {@code -beta-train}).
 */
public final class OnepanelUid {

    /** Onepanel's bound for a workflow template's uid. */
    public static final int MAX_LENGTH = 30;

    private static final Pattern OTHER = Pattern.compile("[^a-zA-Z0-9-]+");

    private OnepanelUid() {}

    /**
     * The uid of {@code displayName}.
     *
     * @throws IllegalArgumentException saying why when no valid uid can be derived
     */
    public static String of(String displayName) {
        String uid = OTHER.matcher(displayName).replaceAll("-").toLowerCase(Locale.ROOT);
        int from = 0;
        int to = uid.length();
        while (from < to && uid.charAt(from) == '-') {
            from++;
        }
        while (to > from && uid.charAt(to - 1) == '-') {
            to--;
        }
        uid = uid.substring(from, to);
        if (uid.isEmpty()) {
            throw new IllegalArgumentException("has no ASCII letter or digit to make a Kubernetes name from");
        }
        if (uid.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("gives the name '" + uid + "' of " + uid.length()
                    + " characters; Onepanel allows at most " + MAX_LENGTH + " (shorten the display name)");
        }
        return uid;
    }
}
