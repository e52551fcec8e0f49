package io.onepanel.workflow.pod;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Names and label values Kubernetes accepts, made deterministically from workflow and task names.
 * A name that had to be cut or changed ends with a hash of the original, so two different tasks
 * never share a name.
 */
public final class PodNames {

    private PodNames() {}

    public static final int MAX_NAME = 63;
    private static final int HASH_LENGTH = 8;
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");

    /**
     * A pod name for one attempt of a task: {@code <workflow>-<task>-<hash>}, at most 63 characters
     * of DNS-1123 label, the hash taken over workflow, task and attempt (as Argo's v2 pod names
     * end with a hash of the node name).
     */
    public static String podName(String workflowName, String taskName, int attempt) {
        String hash = hash(workflowName + "\n" + taskName + "\n" + attempt);
        String prefix = dnsLabelPart(workflowName + "-" + taskName, MAX_NAME - HASH_LENGTH - 1);
        return prefix.isEmpty() ? "task-" + hash : prefix + "-" + hash;
    }

    /** The PersistentVolumeClaim made from a volumeClaimTemplate for one run, as Argo names it. */
    public static String claimName(String workflowName, String claimTemplateName) {
        String raw = workflowName + "-" + claimTemplateName;
        String label = dnsLabelPart(raw, MAX_NAME);
        if (label.equals(raw)) {
            return raw;
        }
        return dnsLabelPart(raw, MAX_NAME - HASH_LENGTH - 1) + "-" + hash(raw);
    }

    public static boolean isDnsLabel(String name) {
        return name != null && name.length() <= MAX_NAME && DNS_LABEL.matcher(name).matches();
    }

    public static boolean isLabelValue(String value) {
        return value != null && value.length() <= MAX_NAME && LABEL_VALUE.matcher(value).matches();
    }

    /** {@code value} if it is a valid label value, else a sanitized, cut value ending in a hash. */
    public static String labelValue(String value) {
        if (isLabelValue(value)) {
            return value;
        }
        String cleaned = value.replaceAll("[^-A-Za-z0-9_.]", "-");
        cleaned = trim(cleaned, MAX_NAME - HASH_LENGTH - 1, "-_.");
        return cleaned.isEmpty() ? "x-" + hash(value) : cleaned + "-" + hash(value);
    }

    /** FNV-1a, 32 bits, as 8 hex digits (Argo hashes node names with FNV-32a too). */
    static String hash(String text) {
        int h = 0x811c9dc5;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        String hex = Integer.toHexString(h);
        return "00000000".substring(hex.length()) + hex;
    }

    private static String dnsLabelPart(String text, int max) {
        // Plain loops rather than regexes: this runs for every pod, and regexes showed in the profile.
        // Each run of characters a DNS label cannot hold becomes one '-'; existing '-' stay.
        StringBuilder b = new StringBuilder(text.length());
        boolean inRun = false;
        for (char c : text.toLowerCase(Locale.ROOT).toCharArray()) {
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
                b.append(c);
                inRun = false;
            } else if (!inRun) {
                b.append('-');
                inRun = true;
            }
        }
        return trim(b.toString(), max, "-");
    }

    /** Cuts to {@code max} and strips the edge characters from both ends. */
    private static String trim(String text, int max, String edgeCharacters) {
        int from = 0;
        while (from < text.length() && edgeCharacters.indexOf(text.charAt(from)) >= 0) {
            from++;
        }
        int to = Math.min(text.length(), from + max);
        while (to > from && edgeCharacters.indexOf(text.charAt(to - 1)) >= 0) {
            to--;
        }
        return text.substring(from, to);
    }
}
