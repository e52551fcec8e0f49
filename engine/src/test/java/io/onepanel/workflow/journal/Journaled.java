package io.onepanel.workflow.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.engine.LoadResult;
import io.onepanel.workflow.engine.MemoryArtifactStore;
import io.onepanel.workflow.engine.RunListener;
import io.onepanel.workflow.engine.RunOptions;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.engine.WorkflowEngine;
import io.onepanel.workflow.engine.WorkflowRun;
import io.onepanel.workflow.runtime.TaskExecution;
import io.onepanel.workflow.runtime.TaskListener;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.runtime.TaskRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** Journaled runs for specifications: start one from YAML text, copy a journal as a crash leaves it. */
final class Journaled {

    private Journaled() {}

    static WorkflowEngine engine(TaskRuntime runtime) {
        return WorkflowEngine.builder().runtime(runtime).artifacts(new MemoryArtifactStore()).build();
    }

    static WorkflowRun start(TaskRuntime runtime, String yaml, Path directory) {
        return start(runtime, yaml, directory, Map.of());
    }

    static WorkflowRun start(TaskRuntime runtime, String yaml, Path directory, Map<String, String> parameters) {
        WorkflowEngine engine = engine(runtime);
        LoadResult loaded = engine.load("test.yaml", yaml);
        assertThat(loaded.errors()).as("template errors").isEmpty();
        return engine.start(loaded.workflow(), new RunOptions(parameters, "run-1", null, null, null),
                RunListener.NONE, new JournalTarget(JournalDirectory.at(directory), new SourceText("test.yaml", yaml),
                        List.of(), Map.of("runtime", "scripted")));
    }

    static RunResult end(WorkflowRun run) {
        try {
            return run.completion().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Waits (generously) until {@code condition} holds. */
    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited 60 s for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** What a process that died now leaves behind: its run directory's files as they are, unlocked. */
    static Path crashCopy(Path directory, Path copy) {
        try {
            Files.createDirectories(copy);
            try (Stream<Path> files = Files.list(directory)) {
                for (Path f : files.toList()) {
                    Files.copy(f, copy.resolve(f.getFileName()));
                }
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A runtime that says which attempts the engine resumed rather than started. */
    static final class Resuming implements TaskRuntime {
        private final TaskRuntime delegate;
        final List<String> resumed = Collections.synchronizedList(new ArrayList<>());

        Resuming(TaskRuntime delegate) {
            this.delegate = delegate;
        }

        @Override
        public TaskExecution start(TaskRequest request, TaskListener listener) {
            return delegate.start(request, listener);
        }

        @Override
        public TaskExecution resume(TaskRequest request, TaskListener listener) {
            resumed.add(request.taskName());
            return delegate.start(request, listener);
        }
    }
}
