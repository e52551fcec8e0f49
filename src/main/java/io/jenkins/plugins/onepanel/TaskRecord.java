package io.jenkins.plugins.onepanel;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.Util;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * One node of a run as the build page shows it and {@code build.xml} keeps it: a DAG, a task, a
 * loop item, a retry attempt. A plain mutable bean rather than a record, because XStream writes it.
 */
@ExportedBean(defaultVisibility = 2)
public final class TaskRecord {

    private final String id;
    private final String name;
    private final String parentId;
    private final int depth;
    private String type;
    private String template;
    private String phase;
    private int attempt;
    private String podName;
    private long startedAt;
    private long finishedAt;
    private Integer exitCode;
    private String message;
    private String depends;
    private String nodePool;
    private String gpus;
    /** What a second of the task's pod adds to each resource's duration, in thousandths; null: no pod. */
    private java.util.TreeMap<String, Long> usagePerSecond;

    TaskRecord(String id, String name, String parentId, int depth) {
        this.id = id;
        this.name = name;
        this.parentId = parentId;
        this.depth = depth;
    }

    @Exported
    public String getId() {
        return id;
    }

    @Exported
    public String getName() {
        return name;
    }

    @Exported
    @CheckForNull
    public String getParentId() {
        return parentId;
    }

    /** Nesting below the entrypoint DAG, for indentation. */
    @Exported
    public int getDepth() {
        return depth;
    }

    /** DAG, TASK_GROUP, RETRIES, POD, SUSPEND or SKIPPED. */
    @Exported
    public String getType() {
        return type;
    }

    @Exported
    public String getTemplate() {
        return template;
    }

    /** As Argo spells it: Pending, Running, Succeeded, Failed, Error, Skipped, Omitted. */
    @Exported
    public String getPhase() {
        return phase;
    }

    @Exported
    public int getAttempt() {
        return attempt;
    }

    @Exported
    @CheckForNull
    public String getPodName() {
        return podName;
    }

    @Exported
    public long getStartedAt() {
        return startedAt;
    }

    @Exported
    public long getFinishedAt() {
        return finishedAt;
    }

    /** Milliseconds run so far, or in all once finished; 0 before it starts. */
    @Exported
    public long getDurationMillis() {
        if (startedAt == 0) {
            return 0;
        }
        return (finishedAt != 0 ? finishedAt : System.currentTimeMillis()) - startedAt;
    }

    public String getDurationString() {
        return startedAt == 0 ? "" : Util.getTimeSpanString(getDurationMillis());
    }

    @Exported
    @CheckForNull
    public Integer getExitCode() {
        return exitCode;
    }

    @Exported
    @CheckForNull
    public String getMessage() {
        return message;
    }

    /** The task's {@code depends} or {@code dependencies}, as written in the template. */
    @Exported
    @CheckForNull
    public String getDepends() {
        return depends;
    }

    @Exported
    @CheckForNull
    public String getNodePool() {
        return nodePool;
    }

    @Exported
    @CheckForNull
    public String getGpus() {
        return gpus;
    }

    /** Only pods have a log of their own. */
    @Exported
    public boolean isHasLog() {
        return "POD".equals(type) && startedAt != 0;
    }

    public boolean isDone() {
        return phase != null && !"Pending".equals(phase) && !"Running".equals(phase);
    }

    void update(
            String type,
            String template,
            String phase,
            int attempt,
            String podName,
            long startedAt,
            long finishedAt,
            Integer exitCode,
            String message) {
        this.type = type;
        this.template = template;
        this.phase = phase;
        this.attempt = attempt;
        this.podName = podName;
        this.startedAt = startedAt;
        this.finishedAt = finishedAt;
        this.exitCode = exitCode;
        this.message = message;
    }

    void setDepends(String depends) {
        this.depends = depends;
    }

    void setPlacement(String nodePool, String gpus, java.util.Map<String, Long> usagePerSecond) {
        this.nodePool = nodePool;
        this.gpus = gpus;
        this.usagePerSecond = new java.util.TreeMap<>(usagePerSecond);
    }

    /** Seconds of each resource's base amount this node's pod used so far (Argo's resourcesDuration). */
    java.util.Map<String, Long> resourcesUsed() {
        if (usagePerSecond == null || startedAt == 0) {
            return java.util.Map.of();
        }
        long end = finishedAt != 0 ? finishedAt : System.currentTimeMillis();
        return io.onepanel.workflow.pod.ResourcesDuration.of(usagePerSecond, Math.max(0, end - startedAt) / 1000);
    }

    /** As Argo shows it: {@code 1m30s*cpu,2m*memory}; empty for a node without a pod. */
    @Exported
    public String getResourcesDuration() {
        return io.onepanel.workflow.pod.ResourcesDuration.format(resourcesUsed());
    }

    /** A node that was running when its run was lost keeps no running phase. */
    void markLost(long now, String why) {
        if (!isDone()) {
            phase = "Error";
            message = why;
            if (startedAt != 0 && finishedAt == 0) {
                finishedAt = now;
            }
        }
    }
}
