package io.jenkins.plugins.onepanel;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Util;
import io.onepanel.workflow.expr.DependsExpression;
import io.onepanel.workflow.expr.ExpressionException;
import io.onepanel.workflow.expr.TaskResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    /** The runtime's latest note while the node has not ended (why its pod waits, what it stages); null: none. */
    private String status;
    private long statusAt;
    /** For a task a retried run took over: the earlier run that ran it. */
    private String reusedFrom;

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

    /** As the run's table shows it: {@code 8.7 sec}; empty before it starts. */
    @Exported
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

    /**
     * The tasks this one waits for, from its {@code depends} or {@code dependencies}: one entry per
     * task and result the condition names ({@code B.Failed || C} gives B with Failed and C with none).
     * Empty for a task without, or with a condition that does not parse (the validator reports that).
     */
    @Exported
    @NonNull
    public List<Dependency> getDependsOn() {
        return Dependency.of(depends);
    }

    /**
     * What the runtime last said about the node while it has not ended: why its pod waits (queued,
     * unschedulable with the scheduler's message, pulling its image), what it stages; null once the task
     * writes its first line or ends, or when nothing was said.
     */
    @Exported
    @CheckForNull
    public String getStatus() {
        return status;
    }

    /** For a task a retried run took over instead of running it: the earlier run that ran it; else null. */
    @Exported
    @CheckForNull
    public String getReusedFrom() {
        return reusedFrom;
    }

    void setReusedFrom(@CheckForNull String reusedFrom) {
        this.reusedFrom = reusedFrom;
    }

    /** When {@link #getStatus()} was said; 0 without a status. */
    @Exported
    public long getStatusAt() {
        return status == null ? 0 : statusAt;
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
        if (isDone()) {
            clearStatus();
        }
    }

    /** Keeps the runtime's latest note; ignored once the node has ended (its message says how). */
    void setStatus(String status, long at) {
        if (!isDone()) {
            this.status = status;
            this.statusAt = at;
        }
    }

    void clearStatus() {
        this.status = null;
        this.statusAt = 0;
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
            clearStatus();
        }
    }

    /** One task a node waits for, and the result its condition names ({@code Failed}), or null for a bare name. */
    @ExportedBean(defaultVisibility = 3)
    public static final class Dependency {

        private final String task;
        private final String result;

        Dependency(String task, String result) {
            this.task = task;
            this.result = result;
        }

        @Exported
        public String getTask() {
            return task;
        }

        @Exported
        @CheckForNull
        public String getResult() {
            return result;
        }

        /**
         * A {@code depends} expression's operands, or the names of a {@code dependencies} list (which the
         * recorder keeps as {@code "B, C"}); each task and result once.
         */
        static List<Dependency> of(String depends) {
            if (depends == null || depends.isBlank()) {
                return List.of();
            }
            Map<String, Dependency> unique = new LinkedHashMap<>();
            if (depends.contains(",")) {
                for (String name : depends.split(",")) {
                    if (!name.isBlank()) {
                        unique.putIfAbsent(name.strip(), new Dependency(name.strip(), null));
                    }
                }
            } else {
                try {
                    for (DependsExpression.Operand op : DependsExpression.parse(depends).operands()) {
                        String result = op.result().map(TaskResult::argoName).orElse(null);
                        unique.putIfAbsent(op.task() + "." + result, new Dependency(op.task(), result));
                    }
                } catch (ExpressionException | IllegalArgumentException e) {
                    return List.of();
                }
            }
            return List.copyOf(unique.values());
        }
    }
}
