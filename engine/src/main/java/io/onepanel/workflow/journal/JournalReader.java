package io.onepanel.workflow.journal;

import com.fasterxml.jackson.databind.JsonNode;
import io.onepanel.workflow.dag.RunHistory;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.NodeType;
import io.onepanel.workflow.template.Artifact;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a journal back, event by event, into the run as it was when its last line was written. A
 * last line that a crash cut short (no line break, or not JSON) is left out and reported; any other
 * line that cannot be read makes the journal unusable, with its line number. Lines are bounded, so
 * a file that is not a journal cannot exhaust memory.
 */
final class JournalReader {

    static final int MAX_LINE = 64 << 20;

    private final Path directory;
    private final Path file;
    private RunHeader header;
    private final Map<String, NodeStatus> nodes = new LinkedHashMap<>();
    private final Map<String, List<Artifact>> artifacts = new LinkedHashMap<>();
    private final Map<String, List<Object>> loops = new LinkedHashMap<>();
    private final List<RunHistory.RetryDue> dues = new ArrayList<>();
    private final Map<String, Instant> deadlines = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private Instant startedAt;
    private RecordedRun.End end;
    private int resumes;

    private JournalReader(Path directory) {
        this.directory = directory;
        this.file = directory.resolve(JournalFiles.JOURNAL);
    }

    static RecordedRun read(Path directory) {
        JournalReader reader = new JournalReader(directory);
        if (!Files.isRegularFile(reader.file)) {
            throw new JournalException(directory + " holds no run journal (" + JournalFiles.JOURNAL + ")");
        }
        try {
            return reader.readAll();
        } catch (IOException e) {
            throw new JournalException("cannot read " + reader.file + ": " + JournalWriter.reason(e), e);
        }
    }

    private RecordedRun readAll() throws IOException {
        long fileLength = 0; // as read: a live run's journal may grow meanwhile
        long offset = 0;
        long valid = 0;
        int lineNumber = 0;
        String unreadable = null;
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] chunk = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int read;
            while ((read = in.read(chunk)) != -1) {
                fileLength += read;
                int from = 0;
                for (int i = 0; i < read; i++) {
                    if (chunk[i] != '\n') {
                        continue;
                    }
                    line.write(chunk, from, i - from);
                    from = i + 1;
                    offset += line.size() + 1;
                    lineNumber++;
                    if (unreadable != null) {
                        throw new JournalException(unreadable); // a bad line with good ones after it: not a torn end
                    }
                    String problem = apply(line.toString(StandardCharsets.UTF_8), lineNumber);
                    line.reset();
                    if (problem == null) {
                        valid = offset;
                    } else {
                        unreadable = file + ":" + lineNumber + ": " + problem;
                    }
                }
                line.write(chunk, from, read - from);
                if (line.size() > MAX_LINE) {
                    throw new JournalException(file + ":" + (lineNumber + 1) + ": a line longer than "
                            + (MAX_LINE >> 20) + " MiB; this is not a journal written by onepanel-workflow");
                }
            }
        }
        if (unreadable != null || line.size() > 0) {
            warnings.add(file + ": the last line (" + (fileLength - valid) + " bytes) was cut short when the run's "
                    + "process died; it is left out");
        }
        if (header == null) {
            throw new JournalException(file + " holds no run: its first line is not a run's header");
        }
        return new RecordedRun(directory, header, nodes, artifacts, loops, dues, deadlines, startedAt, end, resumes,
                warnings, valid, fileLength);
    }

    /** Applies one line; returns why it cannot be read, or null. */
    private String apply(String text, int lineNumber) throws IOException {
        JsonNode e;
        try {
            e = JournalFiles.JSON.readTree(text);
        } catch (IOException notJson) {
            return "not a JSON document";
        }
        if (e == null || !e.isObject() || !e.hasNonNull("e")) {
            return "not a journal event";
        }
        String type = e.get("e").asText();
        if (header == null && !type.equals("run")) {
            throw new JournalException(file + ":" + lineNumber + ": a journal starts with its run's header");
        }
        try {
            switch (type) {
                case "run" -> header = HeaderJson.read(e, directory);
                case "started" -> startedAt = startedAt != null ? startedAt : NodeJson.instant(e, "at");
                case "resumed" -> resumes++;
                case "node" -> node(e);
                case "state" -> state(e, lineNumber);
                case "attempt" -> {
                    if (e.hasNonNull("deadline")) {
                        deadlines.put(e.get("id").asText(), NodeJson.instant(e, "deadline"));
                    }
                }
                case "loop" -> loops.put(e.get("id").asText(), items(e.get("items")));
                case "retry" -> dues.add(new RunHistory.RetryDue(e.get("id").asText(), e.get("attempt").asInt(),
                        NodeJson.instant(e, "due")));
                case "end" -> end = end(e);
                default -> {
                    // an event of a later minor change: nothing this engine needs
                }
            }
        } catch (RuntimeException bad) {
            if (bad instanceof JournalException j) {
                throw j;
            }
            return "the " + type + " event cannot be read (" + bad.getMessage() + ")";
        }
        return null;
    }

    private void node(JsonNode e) {
        String id = e.get("id").asText();
        NodeStatus fresh = NodeJson.fresh(id, e.get("name").asText(), ArtifactJson.text(e, "parent"),
                NodeType.valueOf(e.get("type").asText()), ArtifactJson.text(e, "template"));
        nodes.put(id, NodeJson.apply(fresh, e));
        artifacts.put(id, NodeJson.artifacts(e, List.of()));
    }

    private void state(JsonNode e, int lineNumber) {
        String id = e.get("id").asText();
        NodeStatus before = nodes.get(id);
        if (before == null) {
            throw new JournalException(file + ":" + lineNumber + ": a state of node " + id + ", which no earlier"
                    + " line created");
        }
        nodes.put(id, NodeJson.apply(before, e));
        artifacts.put(id, NodeJson.artifacts(e, artifacts.get(id)));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> items(JsonNode items) {
        return JournalFiles.JSON.convertValue(items, List.class);
    }

    private static RecordedRun.End end(JsonNode e) {
        Map<String, String> outputs = new LinkedHashMap<>();
        e.path("outputs").fields().forEachRemaining(o -> outputs.put(o.getKey(), o.getValue().asText()));
        return new RecordedRun.End(NodeJson.phase(e.get("phase").asText()), ArtifactJson.text(e, "message"),
                NodeJson.instant(e, "startedAt"), NodeJson.instant(e, "finishedAt"), outputs);
    }
}
