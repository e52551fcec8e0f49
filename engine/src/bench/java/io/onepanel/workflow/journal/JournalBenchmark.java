package io.onepanel.workflow.journal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.onepanel.workflow.artifact.ArtifactStore;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.bench.BenchWorkflows;
import io.onepanel.workflow.bench.BenchWorkflows.Shape;
import io.onepanel.workflow.dag.RunEvents;
import io.onepanel.workflow.dag.WorkflowExecution;
import io.onepanel.workflow.engine.LoadResult;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.RunListener;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.engine.WorkflowEngine;
import io.onepanel.workflow.runtime.RunInfo;
import io.onepanel.workflow.runtime.TaskExecution;
import io.onepanel.workflow.runtime.TaskListener;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.runtime.TaskRuntime;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.S3Source;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The journal's cost against the way a run's state is kept in Jenkins today ({@code build.xml}:
 * every save re-serializes the whole node list). One run of a random DAG of N tasks (each task
 * succeeds with a short result and its Onepanel {@code sys-metrics} artifact) is recorded as the
 * scheduler tells it, event by event; the same events are then written (interleaved, 5 rounds,
 * median) two ways:
 * <ul>
 *   <li><b>journal</b>: {@link JournalWriter}, appending each event's changes;</li>
 *   <li><b>rewrite</b>: on every node change, the whole node list serialized (each node in full,
 *       with the same JSON as the journal, which is more compact than XStream's XML, so this
 *       favours the rewrite) and written to a temporary file renamed over the last, as Jenkins'
 *       {@code AtomicFileWriter} saves {@code build.xml}. At 10,000 tasks writing every rewrite
 *       would take hours: every 100th rewrite is written and timed, the others are counted
 *       exactly (bytes) and timed by scale (time of the sampled ones × 100).</li>
 * </ul>
 * The plugin saves at most once a second, so on a real run the rewrite happens (duration in
 * seconds) times, each of the last list's size: that figure is printed too.
 *
 * <pre>
 * mvn -f engine/pom.xml -Pbench package -DskipTests
 * java -cp engine/target/benchmarks.jar io.onepanel.workflow.journal.JournalBenchmark [tasks ...] [workdir]
 * </pre>
 */
public final class JournalBenchmark {

    private static final int ROUNDS = 5;

    private JournalBenchmark() {}

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        Path work = Path.of(System.getProperty("java.io.tmpdir"));
        for (String a : args) {
            if (a.matches("\\d+")) {
                sizes.add(Integer.parseInt(a));
            } else {
                work = Path.of(a);
            }
        }
        if (sizes.isEmpty()) {
            sizes = List.of(1_000, 10_000);
        }
        System.out.println("| tasks | events | journal bytes | journal write | rewrite bytes (every change) "
                + "| rewrite time (every change) | bytes ratio | time ratio | last list | 1 h run at one save/s |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (int n : sizes) {
            measure(n, Files.createTempDirectory(work, "journal-bench-"));
        }
    }

    private static void measure(int tasks, Path dir) throws Exception {
        String yaml = BenchWorkflows.echoYaml(Shape.RANDOM, tasks);
        List<Consumer<RunEvents>> events = record(yaml);
        SourceText text = new SourceText("bench.yaml", yaml);
        int sample = tasks >= 5_000 ? 100 : 1;
        long[] journalNanos = new long[ROUNDS];
        long[] rewriteNanos = new long[ROUNDS];
        long journalBytes = 0;
        Rewrite.Totals rewrite = null;
        for (int round = 0; round < ROUNDS; round++) {
            Path j = dir.resolve("journal-" + round);
            RunHeader header = new RunHeader("bench-" + round, "uid", "default", Instant.now(), text, List.of(),
                    Map.of(), null, null, true, Map.of(), null);
            long start = System.nanoTime();
            try (JournalWriter writer = JournalWriter.create(j, header)) {
                events.forEach(e -> e.accept(writer));
            }
            journalNanos[round] = System.nanoTime() - start;
            journalBytes = Files.size(j.resolve(JournalFiles.JOURNAL));
            Rewrite r = new Rewrite(dir.resolve("rewrite-" + round), sample);
            events.forEach(e -> e.accept(r));
            rewrite = r.totals();
            rewriteNanos[round] = rewrite.nanos();
        }
        long journal = median(journalNanos);
        long rewriteTime = median(rewriteNanos);
        System.out.printf(Locale.ROOT,
                "| %,d | %,d | %s (%,d B/task) | %s | %s | %s%s | %.0f × | %.0f × | %s | %s |%n",
                tasks, events.size(), bytes(journalBytes), journalBytes / tasks, millis(journal),
                bytes(rewrite.bytes()), millis(rewriteTime), sample > 1 ? " (1 in " + sample + " timed)" : "",
                (double) rewrite.bytes() / journalBytes, (double) rewriteTime / journal, bytes(rewrite.last()),
                bytes(3600 * rewrite.last()));
    }

    /** The events of one run, as the scheduler tells them, to be told again to each writer. */
    private static List<Consumer<RunEvents>> record(String yaml) throws Exception {
        TaskRuntime runtime = new Succeeding();
        ArtifactStore store = new Keyed();
        WorkflowEngine engine = WorkflowEngine.builder().runtime(runtime).artifacts(store).build();
        LoadResult loaded = engine.load("bench.yaml", yaml);
        if (loaded.hasErrors()) {
            throw new IllegalStateException(loaded.errors().toString());
        }
        List<Consumer<RunEvents>> events = new ArrayList<>();
        RunEvents recorder = new RunEvents() {
            @Override
            public void started(Instant at) {
                events.add(e -> e.started(at));
            }

            @Override
            public void nodeCreated(NodeStatus node) {
                events.add(e -> e.nodeCreated(node));
            }

            @Override
            public void nodeChanged(NodeStatus node, List<Artifact> artifacts) {
                events.add(e -> e.nodeChanged(node, artifacts));
            }

            @Override
            public void attemptStarted(String nodeId, Instant deadline, boolean resumed) {
                events.add(e -> e.attemptStarted(nodeId, deadline, resumed));
            }

            @Override
            public void ended(RunResult result) {
                events.add(e -> e.ended(result));
            }
        };
        RunInfo info = new RunInfo("bench", "uid", "default", Instant.now());
        WorkflowExecution run = new WorkflowExecution(loaded.workflow(), info, Map.of(), runtime, store,
                RunListener.NONE, new WorkflowExecution.Settings(null, null, Clock.systemUTC(), recorder,
                        io.onepanel.workflow.dag.RunHistory.NONE));
        run.start().completion().get(10, TimeUnit.MINUTES);
        return events;
    }

    /** Today's cost model: the whole node list, each node in full, written again at each change. */
    private static final class Rewrite implements RunEvents {
        record Totals(long bytes, long nanos, long last) {}

        private final Path file;
        private final Path temp;
        private final int sample;
        private final Map<String, NodeStatus> nodes = new LinkedHashMap<>();
        private final Map<String, List<Artifact>> artifacts = new LinkedHashMap<>();
        private final Map<String, Integer> sizes = new LinkedHashMap<>();
        private long listSize = 2; // "[]"
        private long bytes;
        private long nanos;
        private long changes;

        Rewrite(Path dir, int sample) throws IOException {
            Files.createDirectories(dir);
            this.file = dir.resolve("build.json");
            this.temp = dir.resolve("build.json.tmp");
            this.sample = sample;
        }

        /** The plugin hears a node first when it changes: a creation is kept, not saved. */
        @Override
        public void nodeCreated(NodeStatus node) {
            keep(node, List.of());
        }

        @Override
        public void nodeChanged(NodeStatus node, List<Artifact> outputArtifacts) {
            keep(node, outputArtifacts);
            bytes += listSize;
            if (changes++ % sample == 0) {
                long start = System.nanoTime();
                write();
                nanos += (System.nanoTime() - start) * sample;
            }
        }

        private void keep(NodeStatus node, List<Artifact> outputArtifacts) {
            nodes.put(node.id(), node);
            artifacts.put(node.id(), outputArtifacts);
            int size = full(node, outputArtifacts).length + 1;
            Integer before = sizes.put(node.id(), size);
            listSize += size - (before == null ? 0 : before);
        }

        private void write() {
            try (var out = Files.newOutputStream(temp)) {
                out.write('[');
                for (NodeStatus n : nodes.values()) {
                    out.write(full(n, artifacts.get(n.id())));
                    out.write(',');
                }
                out.write(']');
                out.flush();
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private static byte[] full(NodeStatus n, List<Artifact> artifacts) {
            ByteArrayOutputStream b = new ByteArrayOutputStream(256);
            try (JsonGenerator g = JournalFiles.JSON.getFactory().createGenerator(b)) {
                g.writeStartObject();
                g.writeStringField("id", n.id());
                g.writeStringField("name", n.name());
                g.writeStringField("parent", n.parentId());
                g.writeStringField("type", n.type().name());
                g.writeStringField("template", n.templateName());
                NodeJson.writeChanges(g, NodeJson.fresh(n.id(), n.name(), n.parentId(), n.type(), n.templateName()),
                        n, List.of(), artifacts);
                g.writeEndObject();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return b.toByteArray();
        }

        Totals totals() {
            return new Totals(bytes, nanos, listSize);
        }
    }

    /** Every attempt succeeds at once, with a short result and its output artifacts where they were located. */
    private static final class Succeeding implements TaskRuntime {
        @Override
        public TaskExecution start(TaskRequest request, TaskListener listener) {
            return TaskExecution.ended(TaskResult.succeeded("done " + request.taskName(), Map.of(),
                    request.template().outputs().artifacts()));
        }
    }

    /** Gives outputs keys the Onepanel way and moves no bytes. */
    private static final class Keyed implements ArtifactStore {
        @Override
        public Artifact locate(Artifact output, Map<String, String> variables) {
            return output.withS3(S3Source.key("artifacts/" + variables.get("workflow.namespace") + "/"
                    + variables.get("workflow.name") + "/" + variables.get("pod.name") + "/" + output.name()));
        }

        @Override
        public void fetch(Artifact input, Path target, TransferListener listener) {}

        @Override
        public Artifact store(Artifact output, Path source, TransferListener listener) {
            return output;
        }
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String millis(long nanos) {
        return nanos >= 10_000_000_000L ? String.format(Locale.ROOT, "%.0f s", nanos / 1e9)
                : String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
    }

    private static String bytes(long b) {
        return b >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GiB", b / (double) (1L << 30))
                : b >= 1L << 20 ? String.format(Locale.ROOT, "%.1f MiB", b / (double) (1L << 20))
                : String.format(Locale.ROOT, "%.0f KiB", b / 1024.0);
    }
}
