package io.jenkins.plugins.onepanel;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import java.util.List;

/**
 * What a job says about one workflow run; the same fields for the Pipeline step and the freestyle
 * build step. Anything not set falls back to {@link OnepanelWorkflowConfiguration}.
 */
public interface WorkflowArguments {

    /** A template file, relative to the workspace; used when {@link #getText()} is empty. */
    @CheckForNull
    String getTemplate();

    /** Inline template YAML. */
    @CheckForNull
    String getText();

    @NonNull
    List<WorkflowParameter> getParameters();

    @CheckForNull
    String getNamespace();

    /** A Kubernetes plugin cloud by name. */
    @CheckForNull
    String getCloud();

    /** A pod template of the cloud whose settings every task pod inherits. */
    @CheckForNull
    String getInheritFrom();

    /** Fields that replace the default repository's. */
    @CheckForNull
    ArtifactRepository getArtifactRepository();

    /** Credentials for the artifact repository, resolved in the build's context. */
    @CheckForNull
    String getCredentialsId();

    /** Overrides the entrypoint DAG's failFast when set. */
    @CheckForNull
    Boolean getFailFast();

    /** Caps running task pods; the administrator's maximum caps it in turn. */
    @CheckForNull
    Integer getParallelism();

    /**
     * Minutes a task's pod may take to start, or null for the administrator's bound (a longer value
     * is cut to it). Only Pipeline's agent pods use it; freestyle builds use the administrator's.
     */
    @CheckForNull
    default Integer getPodStartMinutes() {
        return null;
    }
}
