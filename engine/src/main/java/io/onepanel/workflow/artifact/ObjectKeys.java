package io.onepanel.workflow.artifact;

/**
 * Object keys as relative, slash-separated names, checked so that no key can name a place outside a
 * bucket's directory or a fetch target: no {@code ..} or {@code .} segments, no leading slash, no
 * backslashes, no empty segments, no control characters.
 */
public final class ObjectKeys {

    private ObjectKeys() {}

    /**
     * A key with a trailing slash (a "directory" marker or a prefix written as {@code a/b/}) is
     * accepted and returned without it.
     *
     * @throws ArtifactException naming the key and what is wrong with it
     */
    public static String check(String key) throws ArtifactException {
        String problem = problem(key);
        if (problem != null) {
            throw new ArtifactException("unsafe key '" + printable(key) + "': " + problem);
        }
        return stripTrailingSlash(key);
    }

    /** Why {@code key} is unsafe, or null when it is fine. */
    public static String problem(String key) {
        if (key == null || key.isEmpty()) {
            return "empty";
        }
        if (key.startsWith("/")) {
            return "absolute (starts with '/')";
        }
        if (key.indexOf('\\') >= 0) {
            return "contains a backslash";
        }
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) < 0x20 || key.charAt(i) == 0x7f) {
                return "contains a control character";
            }
        }
        String body = stripTrailingSlash(key);
        if (body.isEmpty()) {
            return "empty";
        }
        for (String segment : body.split("/", -1)) {
            if (segment.isEmpty()) {
                return "has an empty segment ('//')";
            }
            if (segment.equals("..") || segment.equals(".")) {
                return "has a '" + segment + "' segment";
            }
        }
        return null;
    }

    public static String stripTrailingSlash(String key) {
        String k = key;
        while (k.endsWith("/")) {
            k = k.substring(0, k.length() - 1);
        }
        return k;
    }

    /** {@code prefix/child}, with exactly one slash between. */
    public static String join(String prefix, String child) {
        String p = stripTrailingSlash(prefix);
        String c = child.startsWith("/") ? child.substring(1) : child;
        if (p.isEmpty()) {
            return c;
        }
        return c.isEmpty() ? p : p + "/" + c;
    }

    /** The last segment of a key ({@code a/b/c.txt} gives {@code c.txt}). */
    public static String baseName(String key) {
        String k = stripTrailingSlash(key);
        return k.substring(k.lastIndexOf('/') + 1);
    }

    /** The key for a message: control characters shown as '?'. */
    public static String printable(String key) {
        if (key == null) {
            return "";
        }
        return key.codePoints().map(c -> c < 0x20 || c == 0x7f ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}
