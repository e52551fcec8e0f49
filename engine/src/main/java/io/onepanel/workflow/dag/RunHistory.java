package io.onepanel.workflow.dag;

import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.NodeType;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.Workflow;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a run recorded, for a run that continues it: the same run after its process died
 * ({@link #resume}) or a new run that takes over the attempts of an ended one ({@link #reuse}).
 *
 * <p>The scheduler runs the workflow from its start as always. Node ids follow from the template,
 * so each node it creates finds its record by id: an attempt that ended is not run again but ends
 * as recorded, with its outputs; an attempt that was running is resumed on the runtime; a loop gets
 * its recorded items, a retry its recorded due time, an attempt its recorded deadline, and a node
 * its recorded times. Everything else happens as it would have.
 *
 * <p>Keys are node ids without the run's name in front ("paths"), so that a new run with another
 * name finds them too.
 */
public final class RunHistory {

    /** A recorded node: its last state and its output artifacts as stored. */
    public record Entry(NodeStatus status, List<Artifact> outputArtifacts) {
        public Entry {
            outputArtifacts = List.copyOf(outputArtifacts);
        }
    }

    /** A retry node's next attempt, due at a wall-clock instant. */
    public record RetryDue(String nodeId, int attempt, Instant due) {}

    public static final RunHistory NONE = new RunHistory(false, null, null, Map.of(), Set.of(), Map.of(), Map.of(),
            Map.of());

    private final boolean resume;
    private final String source;
    private final Instant startedAt;
    private final Map<String, Entry> nodes;
    private final Set<String> fed;
    private final Map<String, List<Object>> loops;
    private final Map<String, Instant> dues;
    private final Map<String, Instant> deadlines;

    private RunHistory(boolean resume, String source, Instant startedAt, Map<String, Entry> nodes, Set<String> fed,
            Map<String, List<Object>> loops, Map<String, Instant> dues, Map<String, Instant> deadlines) {
        this.resume = resume;
        this.source = source;
        this.startedAt = startedAt;
        this.nodes = nodes;
        this.fed = fed;
        this.loops = loops;
        this.dues = dues;
        this.deadlines = deadlines;
    }

    /**
     * The record of a run whose process died, to continue it under the same name.
     *
     * @param nodes by id, in the order they were created
     * @param loops recorded loop items by the loop node's id
     * @param deadlines the deadline of each attempt that had one, by the attempt's id
     */
    public static RunHistory resume(String runName, Instant startedAt, Map<String, Entry> nodes,
            Map<String, List<Object>> loops, List<RetryDue> dues, Map<String, Instant> deadlines) {
        Map<String, Entry> byPath = new LinkedHashMap<>();
        Set<String> fed = new java.util.HashSet<>();
        nodes.forEach((id, e) -> {
            byPath.put(path(runName, id), e);
            if (e.status().type() == NodeType.POD && e.status().phase().isDone()) {
                fed.add(path(runName, id));
            }
        });
        return new RunHistory(true, runName, startedAt, byPath, fed, byPath(runName, loops), byPath(runName, dues),
                byPath(runName, deadlines));
    }

    /**
     * The record of an ended run for a new run that retries it: the attempts {@link RetryPlan} keeps
     * are taken over, everything else runs again.
     *
     * @param nodes the ended run's nodes by id, parents before children
     * @param from a task to rerun with its dependents although it succeeded, or null
     * @throws IllegalArgumentException when {@code from} names no task of the run
     */
    public static RunHistory reuse(String runName, Workflow workflow, Map<String, Entry> nodes, List<RetryDue> dues,
            String from) {
        Map<String, NodeStatus> statuses = new LinkedHashMap<>();
        nodes.forEach((id, e) -> statuses.put(id, e.status()));
        Set<String> kept = RetryPlan.reusable(workflow, statuses, runName, from);
        Map<String, Entry> byPath = new LinkedHashMap<>();
        Set<String> fed = new java.util.HashSet<>();
        for (String id : kept) {
            byPath.put(path(runName, id), nodes.get(id));
            fed.add(path(runName, id));
        }
        Map<String, Instant> keptDues = new LinkedHashMap<>();
        byPath(runName, dues).forEach((key, due) -> {
            if (fed.contains(key.substring(0, key.lastIndexOf('#')))) {
                keptDues.put(key, due);
            }
        });
        return new RunHistory(false, runName, null, byPath, fed, Map.of(), keptDues, Map.of());
    }

    static String path(String runName, String id) {
        return id.startsWith(runName) ? id.substring(runName.length()) : id;
    }

    private static <V> Map<String, V> byPath(String runName, Map<String, V> byId) {
        Map<String, V> out = new LinkedHashMap<>();
        byId.forEach((id, v) -> out.put(path(runName, id), v));
        return out;
    }

    private static Map<String, Instant> byPath(String runName, List<RetryDue> dues) {
        Map<String, Instant> out = new LinkedHashMap<>();
        dues.forEach(d -> out.put(path(runName, d.nodeId()) + "#" + d.attempt(), d.due()));
        return out;
    }

    // ---- for the scheduler: every argument is a path -------------------------------------------

    /** When the run first started, for a resumed run; null otherwise. */
    Instant startedAt() {
        return startedAt;
    }

    /** The recorded nodes of a resumed run in the order they were created (the run lists them so). */
    List<String> order() {
        return resume ? List.copyOf(nodes.keySet()) : List.of();
    }

    /** The recorded start of a node this run continues (resumed, or taken over), or null. */
    Instant recordedStart(String path) {
        Entry e = resume || fed.contains(path) ? nodes.get(path) : null;
        return e == null ? null : e.status().startedAt();
    }

    /** The ended attempt to take over instead of running it, or null. */
    Entry fed(String path) {
        return fed.contains(path) ? nodes.get(path) : null;
    }

    /** An attempt a previous process of this run started and never saw end. */
    boolean wasRunning(String path) {
        Entry e = resume ? nodes.get(path) : null;
        return e != null && e.status().type() == NodeType.POD && e.status().phase() == NodePhase.RUNNING;
    }

    /**
     * Whether {@code phase} of a resumed run's node is a step on the way back to the state recorded
     * for it, which its record holds already: a node recorded as ended, not yet ended again.
     */
    boolean replaying(String path, NodePhase phase) {
        Entry e = resume ? nodes.get(path) : null;
        return e != null && e.status().phase().isDone() && !phase.isDone();
    }

    /** Gives a node taken over from the record its recorded times (and, for an attempt, pod and origin). */
    void overlay(Node node, String path) {
        Entry e = nodes.get(path);
        boolean taken = fed.contains(path);
        if (e == null || !taken && (!resume || node.type == NodeType.POD)) {
            return; // new, or an attempt running again: its times are its own
        }
        NodeStatus r = e.status();
        if (r.startedAt() != null && node.startedAt != null) {
            node.startedAt = r.startedAt();
        }
        if (r.phase().isDone() && node.phase == r.phase() && node.finishedAt != null) {
            node.finishedAt = r.finishedAt();
        }
        if (taken) {
            node.podName = r.podName();
            node.reusedFrom = r.reusedFrom() != null || resume ? r.reusedFrom() : source;
            node.progress = r.progress();
        }
    }

    /** A resumed loop's items as they were expanded, or null. */
    List<Object> loopItems(String path) {
        return loops.get(path);
    }

    /** When the recorded retry node's attempt {@code attempt} was due, or null. */
    Instant retryDue(String path, int attempt) {
        return dues.get(path + "#" + attempt);
    }

    /** The recorded deadline of an attempt that was running, or null. */
    Instant deadline(String path) {
        return deadlines.get(path);
    }
}
