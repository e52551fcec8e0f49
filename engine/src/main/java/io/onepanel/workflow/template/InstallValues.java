package io.onepanel.workflow.template;

import java.util.regex.Pattern;

/**
 * What Onepanel writes in place of the Go-template placeholders of its own workflow files when it
 * installs them ({@code ReplaceRuntimeVariablesInManifest} in onepanelio/onepanel {@code db/go}),
 * taken from the configuration a run already has.
 *
 * <p>Each value is inserted into the file's text before YAML reads it, as Onepanel inserts it; so
 * each must be a plain Kubernetes name (letters, digits, {@code - _ . /}) that YAML cannot read as
 * anything but text: configuration never becomes structure.
 *
 * @param artifactRepositoryType {@code {{.ArtifactRepositoryType}}}: the type of the artifact
 *     repository, {@code s3} (Onepanel's default, and the only kind this engine stores to)
 * @param nodePoolLabel {@code {{.NodePoolLabel}}}: the node label key that selects a node pool;
 *     Onepanel's installer writes {@code node.kubernetes.io/instance-type} unless told otherwise
 * @param defaultNodePool {@code {{.DefaultNodePoolOption}}}: the label value of the node pool
 *     catalogue's first pool, as Onepanel takes its first option; null when there is no catalogue
 */
public record InstallValues(String artifactRepositoryType, String nodePoolLabel, String defaultNodePool) {

    // Before the constants below, which the constructor checks with these.
    private static final Pattern TYPE = Pattern.compile("[a-z0-9]{1,32}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern PREFIX = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    public static final String S3 = "s3";
    public static final String INSTALLER_NODE_POOL_LABEL = "node.kubernetes.io/instance-type";

    /** What Onepanel's installer uses when nothing is configured: no node pool is known. */
    public static final InstallValues INSTALLER_DEFAULTS = new InstallValues(S3, INSTALLER_NODE_POOL_LABEL, null);

    /** @throws IllegalArgumentException naming the setting and what it must look like */
    public InstallValues {
        if (artifactRepositoryType == null || !TYPE.matcher(artifactRepositoryType).matches()) {
            throw new IllegalArgumentException("the artifact repository type '" + artifactRepositoryType
                    + "' is not a repository type such as s3");
        }
        if (nodePoolLabel == null || !isLabelKey(nodePoolLabel)) {
            throw new IllegalArgumentException("the node pool label '" + nodePoolLabel + "' is not a Kubernetes"
                    + " label key such as " + INSTALLER_NODE_POOL_LABEL);
        }
        if (defaultNodePool != null && !NAME.matcher(defaultNodePool).matches()) {
            throw new IllegalArgumentException("the node pool '" + defaultNodePool + "' is not a Kubernetes label"
                    + " value (1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)");
        }
    }

    /**
     * The values for a configuration: an unset label key takes the installer's; the default pool is
     * the first of the catalogue (null when there is none).
     */
    public static InstallValues of(String artifactRepositoryType, String nodePoolLabel, String firstNodePool) {
        return new InstallValues(artifactRepositoryType == null ? S3 : artifactRepositoryType,
                nodePoolLabel == null || nodePoolLabel.isBlank() ? INSTALLER_NODE_POOL_LABEL : nodePoolLabel.trim(),
                firstNodePool == null || firstNodePool.isBlank() ? null : firstNodePool.trim());
    }

    private static boolean isLabelKey(String key) {
        int slash = key.indexOf('/');
        if (slash < 0) {
            return NAME.matcher(key).matches();
        }
        return PREFIX.matcher(key.substring(0, slash)).matches() && NAME.matcher(key.substring(slash + 1)).matches();
    }
}
