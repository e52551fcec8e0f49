package io.jenkins.plugins.onepanel.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Run;
import io.jenkins.plugins.onepanel.OnepanelRunAction;
import io.onepanel.workflow.runtime.RunInfo;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import jenkins.util.Timer;
import org.csanchez.jenkins.plugins.kubernetes.KubernetesCloud;

/**
 * What a Pipeline step keeps about its run, so that after a restart, when the run itself is gone,
 * the step can still mark it lost on the build page and delete the pods it left. Plain values
 * only: it is written with the Pipeline program.
 */
public final class RunRef implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    private static final Logger LOGGER = Logger.getLogger(RunRef.class.getName());

    private final String id;
    private final String urlName;

    @CheckForNull
    private final String cloud;

    private final String namespace;
    private final String workflowName;
    private final String uid;
    private final long createdAt;

    RunRef(String id, String urlName, @CheckForNull String cloud, String namespace, RunInfo info) {
        this.id = id;
        this.urlName = urlName;
        this.cloud = cloud;
        this.namespace = namespace;
        this.workflowName = info.workflowName();
        this.uid = info.uid();
        this.createdAt =
                info.creationTimestamp() == null ? 0 : info.creationTimestamp().toEpochMilli();
    }

    @NonNull
    public String id() {
        return id;
    }

    /**
     * Marks the run lost on {@code build} and deletes its pods in the background. Idempotent: every
     * step of the run that resumes after a restart calls it.
     */
    public void lost(@NonNull Run<?, ?> build) {
        for (OnepanelRunAction action : build.getActions(OnepanelRunAction.class)) {
            if (action.getUrlName().equals(urlName)) {
                action.lost(ActiveRuns.LOST);
            }
        }
        try {
            build.save();
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "could not save " + build, e);
        }
        deletePods();
    }

    /** Deletes, in the background, every pod of the run that is still there. */
    void deletePods() {
        if (cloud == null) {
            return;
        }
        Timer.get().submit(() -> {
            try {
                if (Jenkins.get().getCloud(cloud) instanceof KubernetesCloud kubernetes) {
                    RunInfo info = new RunInfo(workflowName, uid, namespace, Instant.ofEpochMilli(createdAt));
                    // connect() returns the cloud's shared, cached client: not ours to close.
                    TaskPods.deleteRunPods(kubernetes.connect(), namespace, info);
                }
            } catch (Exception e) {
                LOGGER.log(
                        Level.WARNING, "could not delete the pods of workflow " + workflowName + " in " + namespace, e);
            }
        });
    }
}
