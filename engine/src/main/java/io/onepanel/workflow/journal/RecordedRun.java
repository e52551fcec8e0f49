package io.onepanel.workflow.journal;

import io.onepanel.workflow.dag.RunHistory;
import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.engine.RunSummary;
import io.onepanel.workflow.runtime.RunInfo;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.Workflow;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run rebuilt from its journal: its header, every node as it last was, and how it ended, if it
 * did. What the journal holds is the run: a run that is rebuilt lists the same nodes, in the same
 * order, with the same states, as the run did when the journal's last line was written.
 */
public final class RecordedRun {

    /** How the run ended, as its {@code end} event says. */
    record End(NodePhase phase, String message, Instant startedAt, Instant finishedAt, Map<String, String> outputs) {}

    private final Path directory;
    private final RunHeader header;
    private final Map<String, NodeStatus> nodes;
    private final Map<String, List<Artifact>> artifacts;
    private final Map<String, List<Object>> loops;
    private final List<RunHistory.RetryDue> dues;
    private final Map<String, Instant> deadlines;
    private final Instant startedAt;
    private final End end;
    private final int resumes;
    private final List<String> warnings;
    private final long validLength;
    private final long fileLength;

    RecordedRun(Path directory, RunHeader header, Map<String, NodeStatus> nodes,
            Map<String, List<Artifact>> artifacts, Map<String, List<Object>> loops, List<RunHistory.RetryDue> dues,
            Map<String, Instant> deadlines, Instant startedAt, End end, int resumes, List<String> warnings,
            long validLength, long fileLength) {
        this.directory = directory;
        this.header = header;
        this.nodes = new LinkedHashMap<>(nodes);
        this.artifacts = new LinkedHashMap<>(artifacts);
        this.loops = new LinkedHashMap<>(loops);
        this.dues = List.copyOf(dues);
        this.deadlines = new LinkedHashMap<>(deadlines);
        this.startedAt = startedAt;
        this.end = end;
        this.resumes = resumes;
        this.warnings = List.copyOf(warnings);
        this.validLength = validLength;
        this.fileLength = fileLength;
    }

    /**
     * Reads the journal in {@code directory}.
     *
     * @throws JournalException when there is none, or it cannot be read (with the line and why)
     */
    public static RecordedRun read(Path directory) {
        return JournalReader.read(directory);
    }

    public Path directory() {
        return directory;
    }

    public RunHeader header() {
        return header;
    }

    public RunInfo info() {
        return header.info();
    }

    /** Every node as it last was, in the order the run created them (parents before children). */
    public List<NodeStatus> nodes() {
        return List.copyOf(nodes.values());
    }

    /** When the run first started; null if it died before. */
    public Instant startedAt() {
        return startedAt;
    }

    /** Whether the run ended (its process wrote how); a run whose process died did not. */
    public boolean ended() {
        return end != null;
    }

    /** The run's result as it was told to its listener, once it ended. */
    public Optional<RunResult> result() {
        return end == null ? Optional.empty() : Optional.of(new RunResult(header.name(), end.phase(), end.message(),
                end.startedAt(), end.finishedAt(), end.outputs(), nodes()));
    }

    /** The run's phase, counts and outputs; a run that did not end is {@code Running}. */
    public RunSummary summary() {
        return result().map(RunSummary::of).orElseGet(() -> RunSummary.of(new RunResult(header.name(),
                NodePhase.RUNNING, null, startedAt, null, Map.of(), nodes())));
    }

    /** How many times the run was resumed. */
    public int resumes() {
        return resumes;
    }

    /** What reading noticed and tolerated (a last line cut short by a crash), for people. */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * The process that runs this run now ("process 1234"), or empty when none does: a run whose
     * journal has no end and that no process holds was killed.
     */
    public Optional<String> runningIn() {
        try {
            return JournalLock.holder(directory);
        } catch (IOException e) {
            return Optional.of("unknown: the lock cannot be read (" + JournalWriter.reason(e) + ")");
        }
    }

    /** What a resumed run continues from. */
    public RunHistory forResume() {
        Map<String, RunHistory.Entry> entries = entries();
        return RunHistory.resume(header.name(), startedAt, entries, loops, dues, deadlines);
    }

    /**
     * What a new run that retries this one takes over.
     *
     * @param workflow this run's workflow, loaded from its template
     * @param from a task to rerun with its dependents although it succeeded, or null
     * @throws IllegalArgumentException when {@code from} names no task of the run
     */
    public RunHistory forRetry(Workflow workflow, String from) {
        return RunHistory.reuse(header.name(), workflow, entries(), dues, from);
    }

    private Map<String, RunHistory.Entry> entries() {
        Map<String, RunHistory.Entry> out = new LinkedHashMap<>();
        nodes.forEach((id, status) -> out.put(id, new RunHistory.Entry(status, artifacts.getOrDefault(id,
                List.of()))));
        return out;
    }

    Map<String, List<Artifact>> artifacts() {
        return artifacts;
    }

    /** Bytes up to the end of the last line that was read: a line cut short after it is not the run's. */
    long validLength() {
        return validLength;
    }

    long fileLength() {
        return fileLength;
    }
}
