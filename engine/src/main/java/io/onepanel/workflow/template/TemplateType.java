package io.onepanel.workflow.template;

/** The kind of work a template describes; the YAML key that names it. */
public enum TemplateType {
    DAG("dag", true),
    CONTAINER("container", true),
    SCRIPT("script", true),
    SUSPEND("suspend", true),
    STEPS("steps", false),
    RESOURCE("resource", false),
    HTTP("http", false),
    CONTAINER_SET("containerSet", false),
    DATA("data", false),
    PLUGIN("plugin", false),
    /** No type key at all: an error for a template that is used. */
    NONE("", false);

    private final String key;
    private final boolean supported;

    TemplateType(String key, boolean supported) {
        this.key = key;
        this.supported = supported;
    }

    public String key() {
        return key;
    }

    public boolean isSupported() {
        return supported;
    }

    /** Container and script templates run a pod; the others are evaluated by the engine. */
    public boolean runsPod() {
        return this == CONTAINER || this == SCRIPT;
    }
}
