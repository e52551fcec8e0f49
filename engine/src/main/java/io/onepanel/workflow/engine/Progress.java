package io.onepanel.workflow.engine;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argo's progress, {@code N/M}: N of M parts done, {@code 0 <= N <= M}. A task counts as {@code 0/1}
 * until it succeeds, then {@code 1/1}, unless it reports its own through {@code ARGO_PROGRESS_FILE}
 * (which a success completes to {@code M/M}); a DAG and the run add up the tasks below them
 * (Argo's docs/progress.md).
 */
public record Progress(long done, long total) {

    private static final Pattern TEXT = Pattern.compile("(\\d{1,15})/(\\d{1,15})");

    public static final Progress NONE = new Progress(0, 0);

    /** What a task wrote, if it is a valid {@code N/M}; anything else is ignored, as Argo ignores it. */
    public static Optional<Progress> parse(String text) {
        Matcher m = text == null ? null : TEXT.matcher(text.trim());
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        long total = Long.parseLong(m.group(2));
        return n <= total ? Optional.of(new Progress(n, total)) : Optional.empty();
    }

    /** A task's progress; NONE for a node that is no task, or a task that was skipped or omitted. */
    public static Progress of(NodeStatus node) {
        if (node.type() != NodeType.POD || node.phase() == NodePhase.SKIPPED || node.phase() == NodePhase.OMITTED) {
            return NONE;
        }
        Progress own = parse(node.progress()).orElse(new Progress(0, 1));
        return node.phase() == NodePhase.SUCCEEDED ? new Progress(own.total(), own.total()) : own;
    }

    /** Each node's progress: its own and that of every node below it (by parent id), keyed by node id. */
    public static Map<String, Progress> perNode(List<NodeStatus> all) {
        Map<String, String> parents = new HashMap<>();
        all.forEach(n -> parents.put(n.id(), n.parentId()));
        Map<String, Progress> sums = new HashMap<>();
        for (NodeStatus n : all) {
            Progress own = of(n);
            if (own.total() == 0) {
                continue;
            }
            Set<String> seen = new HashSet<>(); // a parent id loop never comes from the engine; guard anyway
            for (String id = n.id(); id != null && seen.add(id); id = parents.get(id)) {
                sums.merge(id, own, Progress::plus);
            }
        }
        return sums;
    }

    /** The run's: the sum over all its tasks. */
    public static Progress ofRun(List<NodeStatus> all) {
        Progress sum = NONE;
        for (NodeStatus n : all) {
            sum = sum.plus(of(n));
        }
        return sum;
    }

    public Progress plus(Progress other) {
        return new Progress(done + other.done, total + other.total);
    }

    @Override
    public String toString() {
        return done + "/" + total;
    }
}
