package io.onepanel.workflow.template;

import java.util.Optional;

/**
 * The Go-template placeholders of Onepanel's own workflow files ({@code db/yaml} of
 * onepanelio/onepanel), which Onepanel replaces, as exact text, when it installs a file
 * ({@code ReplaceRuntimeVariablesInManifest}); and which setting gives each its value here.
 */
public enum InstallPlaceholder {

    ARTIFACT_REPOSITORY_TYPE("ArtifactRepositoryType",
            "the artifact repository's type (s3, Onepanel's default and the only one this tool stores to)"),
    NODE_POOL_LABEL("NodePoolLabel",
            "the node pool label key of the node pool catalogue (the 'label' of --node-pools FILE; in Jenkins,"
                    + " the node pool label key of the Onepanel workflows configuration), by default "
                    + InstallValues.INSTALLER_NODE_POOL_LABEL),
    DEFAULT_NODE_POOL_OPTION("DefaultNodePoolOption",
            "the first pool of the node pool catalogue (--node-pools FILE; in Jenkins, the node pools of the"
                    + " Onepanel workflows configuration)");

    private final String name;
    private final String setting;

    InstallPlaceholder(String name, String setting) {
        this.name = name;
        this.setting = setting;
    }

    /** The exact text Onepanel replaces, such as {@code {{.NodePoolLabel}}}. */
    public String text() {
        return "{{." + name + "}}";
    }

    /** The Go name inside the braces, such as {@code NodePoolLabel}. */
    public String goName() {
        return name;
    }

    /** What fills it, for messages. */
    public String setting() {
        return setting;
    }

    /** What goes in its place with {@code values}; empty when that setting is not configured. */
    public Optional<String> value(InstallValues values) {
        return Optional.ofNullable(switch (this) {
            case ARTIFACT_REPOSITORY_TYPE -> values.artifactRepositoryType();
            case NODE_POOL_LABEL -> values.nodePoolLabel();
            case DEFAULT_NODE_POOL_OPTION -> values.defaultNodePool();
        });
    }

    public static Optional<InstallPlaceholder> named(String goName) {
        for (InstallPlaceholder p : values()) {
            if (p.name.equals(goName)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The first placeholder, filled or not, that {@code text} still holds as written. */
    public static Optional<InstallPlaceholder> in(String text) {
        if (text == null || !text.contains("{{.")) {
            return Optional.empty();
        }
        for (InstallPlaceholder p : values()) {
            if (text.contains(p.text())) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Why a workflow parameter whose value still is this placeholder has no value for a run, and
     * what gives it one.
     */
    public String unfilledParameter(String parameter) {
        return "workflow parameter '" + parameter + "' is " + text() + ", which Onepanel fills with " + setting
                + " when it installs this file, and that is not configured; configure it, or give the parameter a"
                + " value: -p " + parameter + "=VALUE";
    }
}
