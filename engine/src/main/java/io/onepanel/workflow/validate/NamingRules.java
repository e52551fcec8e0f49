package io.onepanel.workflow.validate;

import java.util.regex.Pattern;

/** Kubernetes' and Argo's naming rules, with messages that say what was expected. */
final class NamingRules {

    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS1123_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
    private static final Pattern LABEL_NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    /** Argo: template and task names are alphanumerics and '-', starting with a letter or digit. */
    private static final Pattern ARGO_NAME = Pattern.compile("[a-zA-Z0-9][-a-zA-Z0-9]*");

    private NamingRules() {}

    /** Null when fine, else what is wrong. */
    static String argoName(String name) {
        if (name.isEmpty()) {
            return "is empty";
        }
        if (name.length() > 128) {
            return "is " + name.length() + " characters long; at most 128";
        }
        if (!ARGO_NAME.matcher(name).matches()) {
            return "must be letters, digits and '-', starting with a letter or digit";
        }
        return null;
    }

    /**
     * A run's name: a Kubernetes object name (RFC 1123 subdomain) of at most 63 characters, the
     * bound Argo sets because the name is also a label value on every pod of the run.
     */
    static String runName(String name) {
        if (name.isEmpty()) {
            return "is empty";
        }
        if (name.length() > 63) {
            return "is " + name.length() + " characters long; a workflow's name has at most 63 (it is also a label"
                    + " value on every pod of the run)";
        }
        return dns1123Subdomain(name);
    }

    static String dns1123Label(String name) {
        if (name.length() > 63) {
            return "is " + name.length() + " characters long; a Kubernetes name has at most 63";
        }
        if (!DNS1123_LABEL.matcher(name).matches()) {
            return "must be lower-case letters, digits and '-', starting and ending with a letter or digit (RFC 1123)";
        }
        return null;
    }

    static String dns1123Subdomain(String name) {
        if (name.length() > 253) {
            return "is " + name.length() + " characters long; at most 253";
        }
        if (!DNS1123_SUBDOMAIN.matcher(name).matches()) {
            return "must be lower-case letters, digits, '-' and '.', starting and ending with a letter or digit"
                    + " (RFC 1123)";
        }
        return null;
    }

    static String labelValue(String value) {
        if (value.length() > 63) {
            return "is " + value.length() + " characters long; a label value has at most 63";
        }
        if (!LABEL_VALUE.matcher(value).matches()) {
            return "must be letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
        }
        return null;
    }

    static String labelKey(String key) {
        String name = key;
        int slash = key.indexOf('/');
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            name = key.substring(slash + 1);
            String p = dns1123Subdomain(prefix);
            if (p != null) {
                return "has a prefix '" + prefix + "' that " + p;
            }
        }
        if (name.isEmpty() || name.length() > 63) {
            return "must have a name part of 1 to 63 characters";
        }
        if (!LABEL_NAME.matcher(name).matches()) {
            return "must be letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
        }
        return null;
    }
}
