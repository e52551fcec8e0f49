package io.onepanel.workflow.journal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.onepanel.workflow.dag.RunEvents;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.template.Artifact;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Appends a run's events to its journal, one JSON document per line, each line written with one
 * system call as its event happens. A process that dies (SIGKILL, a crash of the JVM) loses nothing
 * that was written: the operating system has it. A machine that loses power may lose what the
 * system had not yet put on disk; the header and the end are forced to disk, the events between
 * are not (a sync per event would cost more than the events). At worst the last line is cut short,
 * which reading tolerates.
 *
 * <p>A node's state is written as changes: each event holds the fields that differ from the node's
 * previous state, so a run writes O(n) bytes for n nodes. The writer holds the run's lock (see
 * {@link JournalLock}) from its creation to {@link #close()}.
 */
public final class JournalWriter implements RunEvents, AutoCloseable {

    /** The journal format this engine writes (and the newest it reads). */
    static final int VERSION = 1;

    private final Path directory;
    private final JournalLock lock;
    private final FileChannel channel;
    private final Bytes buffer = new Bytes();
    private final Map<String, NodeStatus> written;
    private final Map<String, List<Artifact>> writtenArtifacts;
    private Instant startedAt;
    private boolean closed;

    private JournalWriter(Path directory, JournalLock lock, FileChannel channel, Map<String, NodeStatus> written,
            Map<String, List<Artifact>> writtenArtifacts, Instant startedAt) {
        this.directory = directory;
        this.lock = lock;
        this.channel = channel;
        this.written = written;
        this.writtenArtifacts = writtenArtifacts;
        this.startedAt = startedAt;
    }

    /**
     * Starts the journal of a new run in {@code directory}: the template texts beside it, then its
     * header.
     *
     * @throws JournalException when the directory already holds a run, or cannot be written
     */
    public static JournalWriter create(Path directory, RunHeader header) {
        if (Files.exists(directory.resolve(JournalFiles.JOURNAL))) {
            throw new JournalException(directory + " already holds the journal of a run; give the run another name"
                    + " or remove that directory");
        }
        JournalLock lock = null;
        FileChannel channel = null;
        try {
            JournalFiles.createDirectories(directory);
            lock = JournalLock.acquire(directory, header.name());
            JournalFiles.write(directory.resolve(JournalFiles.TEMPLATE), header.template().text());
            for (int i = 0; i < header.library().size(); i++) {
                JournalFiles.write(directory.resolve(JournalFiles.library(i + 1)), header.library().get(i).text());
            }
            // The header is written under another name and renamed: a journal always starts with its header.
            Path starting = directory.resolve(JournalFiles.JOURNAL + ".new");
            channel = JournalFiles.open(starting, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            JournalWriter writer = new JournalWriter(directory, lock, channel, new HashMap<>(), new HashMap<>(), null);
            writer.event("run", g -> HeaderJson.write(g, header, VERSION));
            channel.force(true);
            Files.move(starting, directory.resolve(JournalFiles.JOURNAL), StandardCopyOption.ATOMIC_MOVE);
            return writer;
        } catch (IOException e) {
            abandon(channel, lock);
            throw new JournalException("cannot write the run's journal in " + directory + ": " + reason(e), e);
        } catch (RuntimeException e) {
            abandon(channel, lock);
            throw e;
        }
    }

    /**
     * Continues the journal of {@code run}, whose process died, for the same run resumed: a line cut
     * short by the crash is dropped first.
     *
     * @throws JournalException when the run is alive, or its journal changed since it was read
     */
    public static JournalWriter append(RecordedRun run) {
        Path directory = run.directory();
        JournalLock lock = null;
        FileChannel channel = null;
        try {
            lock = JournalLock.acquire(directory, run.header().name());
            Path file = directory.resolve(JournalFiles.JOURNAL);
            if (Files.size(file) != run.fileLength()) {
                throw new JournalException(file + " changed while it was read; read it again");
            }
            channel = JournalFiles.open(file, StandardOpenOption.WRITE);
            channel.truncate(run.validLength());
            channel.position(run.validLength());
            Map<String, NodeStatus> written = new HashMap<>();
            run.nodes().forEach(n -> written.put(n.id(), n));
            JournalWriter writer = new JournalWriter(directory, lock, channel, written,
                    new HashMap<>(run.artifacts()), run.startedAt());
            writer.event("resumed", g -> g.writeStringField("at", Instant.now().toString()));
            return writer;
        } catch (IOException e) {
            abandon(channel, lock);
            throw new JournalException("cannot continue the run's journal in " + directory + ": " + reason(e), e);
        } catch (RuntimeException e) {
            abandon(channel, lock);
            throw e;
        }
    }

    public Path directory() {
        return directory;
    }

    @Override
    public synchronized void started(Instant at) {
        if (startedAt == null) {
            startedAt = at;
            event("started", g -> g.writeStringField("at", at.toString()));
        }
    }

    @Override
    public synchronized void nodeCreated(NodeStatus node) {
        if (written.containsKey(node.id())) {
            return; // a resumed run's node, known from before
        }
        NodeStatus fresh = NodeJson.fresh(node.id(), node.name(), node.parentId(), node.type(), node.templateName());
        event("node", g -> {
            g.writeStringField("id", node.id());
            g.writeStringField("name", node.name());
            if (node.parentId() != null) {
                g.writeStringField("parent", node.parentId());
            }
            g.writeStringField("type", node.type().name());
            if (node.templateName() != null) {
                g.writeStringField("template", node.templateName());
            }
            NodeJson.writeChanges(g, fresh, node, List.of(), List.of());
        });
        written.put(node.id(), node);
        writtenArtifacts.put(node.id(), List.of());
    }

    @Override
    public synchronized void nodeChanged(NodeStatus node, List<Artifact> outputArtifacts) {
        NodeStatus before = written.get(node.id());
        List<Artifact> beforeArtifacts = writtenArtifacts.getOrDefault(node.id(), List.of());
        if (before == null) {
            nodeCreated(node);
            before = written.get(node.id());
        }
        if (!NodeJson.differs(before, node, beforeArtifacts, outputArtifacts)) {
            return;
        }
        NodeStatus previous = before;
        event("state", g -> {
            g.writeStringField("id", node.id());
            NodeJson.writeChanges(g, previous, node, beforeArtifacts, outputArtifacts);
        });
        written.put(node.id(), node);
        writtenArtifacts.put(node.id(), List.copyOf(outputArtifacts));
    }

    @Override
    public synchronized void attemptStarted(String nodeId, Instant deadline, boolean resumed) {
        event("attempt", g -> {
            g.writeStringField("id", nodeId);
            if (deadline != null) {
                g.writeStringField("deadline", deadline.toString());
            }
            if (resumed) {
                g.writeBooleanField("resumed", true);
            }
        });
    }

    @Override
    public synchronized void loopExpanded(String nodeId, List<Object> items) {
        event("loop", g -> {
            g.writeStringField("id", nodeId);
            g.writeFieldName("items");
            g.writeObject(items);
        });
    }

    @Override
    public synchronized void retryScheduled(String nodeId, int nextAttempt, Instant due) {
        event("retry", g -> {
            g.writeStringField("id", nodeId);
            g.writeNumberField("attempt", nextAttempt);
            g.writeStringField("due", due.toString());
        });
    }

    @Override
    public synchronized void ended(RunResult result) {
        event("end", g -> {
            g.writeStringField("phase", result.phase().argoName());
            if (result.message() != null) {
                g.writeStringField("message", result.message());
            }
            g.writeStringField("startedAt", NodeJson.time(result.startedAt()));
            g.writeStringField("finishedAt", NodeJson.time(result.finishedAt()));
            g.writeObjectFieldStart("outputs");
            for (Map.Entry<String, String> o : new java.util.TreeMap<>(result.outputs()).entrySet()) {
                g.writeStringField(o.getKey(), o.getValue());
            }
            g.writeEndObject();
        });
        try {
            channel.force(true);
        } catch (IOException e) {
            throw new JournalException("cannot write " + directory.resolve(JournalFiles.JOURNAL) + ": " + reason(e),
                    e);
        }
    }

    /** Ends the journal's writing and lets the run's lock go. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            // what was written is written; a close that fails loses nothing more
        } finally {
            release(lock);
        }
    }

    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    /** One line: the event's type, its fields, a line break; one write, so a crash cuts at most this line. */
    private void event(String type, Fields fields) {
        if (closed) {
            return;
        }
        try {
            buffer.reset();
            try (JsonGenerator g = JournalFiles.JSON.getFactory().createGenerator(buffer)) {
                g.writeStartObject();
                g.writeStringField("e", type);
                fields.write(g);
                g.writeEndObject();
            }
            buffer.write('\n');
            ByteBuffer bytes = buffer.contents();
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            throw new JournalException("cannot write " + directory.resolve(JournalFiles.JOURNAL) + ": " + reason(e),
                    e);
        }
    }

    private static void abandon(FileChannel channel, JournalLock lock) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing was promised from it yet
            }
        }
        release(lock);
    }

    private static void release(JournalLock lock) {
        if (lock != null) {
            try {
                lock.close();
            } catch (IOException e) {
                // the lock goes with the channel, or with the process
            }
        }
    }

    static String reason(IOException e) {
        return e.getMessage() != null ? e.getClass().getSimpleName() + ": " + e.getMessage()
                : e.getClass().getSimpleName();
    }

    /** A reusable buffer whose contents are written without a copy. */
    private static final class Bytes extends ByteArrayOutputStream {
        Bytes() {
            super(512);
        }

        ByteBuffer contents() {
            return ByteBuffer.wrap(buf, 0, count);
        }
    }
}
