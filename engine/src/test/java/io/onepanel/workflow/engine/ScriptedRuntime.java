package io.onepanel.workflow.engine;

import io.onepanel.workflow.runtime.TaskExecution;
import io.onepanel.workflow.runtime.TaskListener;
import io.onepanel.workflow.runtime.TaskPhase;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.runtime.TaskRuntime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A runtime for scheduler specifications: each attempt ends as a script says, after a delay, and
 * every start and end is recorded in order, so tests can state what ran before what and what ran
 * together. (End-to-end behaviour with real processes is tested with the local runtime.)
 */
public final class ScriptedRuntime implements TaskRuntime {

    /** How an attempt ends. */
    public record Outcome(long millis, TaskResult result) {

        public static Outcome ok(long millis) {
            return new Outcome(millis, TaskResult.succeeded(null, Map.of(), List.of()));
        }

        public static Outcome ok(long millis, String result, Map<String, String> parameters) {
            return new Outcome(millis, TaskResult.succeeded(result, parameters, List.of()));
        }

        public static Outcome fail(long millis, int exitCode) {
            return new Outcome(millis, new TaskResult(TaskPhase.FAILED, exitCode, "exit code " + exitCode, null,
                    Map.of(), List.of()));
        }
    }

    /** One recorded event: "start" or "end" of a task (by its display name). */
    public record Event(String kind, String task, TaskRequest request) {}

    private final Function<TaskRequest, Outcome> script;
    private final ScheduledExecutorService clock = Executors.newScheduledThreadPool(4);
    private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();
    private final int holdUntilRunning;
    private final CompletableFuture<Void> enoughRunning = new CompletableFuture<>();

    public ScriptedRuntime(Function<TaskRequest, Outcome> script) {
        this(0, script);
    }

    /**
     * A runtime whose attempts do not end before {@code holdUntilRunning} of them have run at the
     * same time (or 10 s have passed): a test of how many tasks the scheduler lets run together
     * then does not depend on how fast a loaded machine starts them.
     */
    public ScriptedRuntime(int holdUntilRunning, Function<TaskRequest, Outcome> script) {
        this.holdUntilRunning = holdUntilRunning;
        this.script = script;
        if (holdUntilRunning <= 0) {
            enoughRunning.complete(null);
        }
    }

    @Override
    public TaskExecution start(TaskRequest request, TaskListener listener) {
        events.add(new Event("start", request.taskName(), request));
        if (maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max) >= holdUntilRunning) {
            enoughRunning.complete(null);
        }
        Outcome outcome = script.apply(request);
        CompletableFuture<TaskResult> result = new CompletableFuture<>();
        AtomicBoolean ended = new AtomicBoolean();
        enoughRunning.copy().completeOnTimeout(null, 10, TimeUnit.SECONDS).thenRun(() -> clock.schedule(() -> {
            if (ended.compareAndSet(false, true)) {
                end(request, result, outcome.result());
            }
        }, outcome.millis(), TimeUnit.MILLISECONDS));
        return new TaskExecution() {
            @Override
            public CompletableFuture<TaskResult> result() {
                return result;
            }

            @Override
            public void cancel(String reason) {
                if (ended.compareAndSet(false, true)) {
                    end(request, result, TaskResult.failed(null, "cancelled: " + reason));
                }
            }
        };
    }

    private void end(TaskRequest request, CompletableFuture<TaskResult> result, TaskResult outcome) {
        running.decrementAndGet();
        events.add(new Event("end", request.taskName(), request));
        result.complete(outcome);
    }

    public List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    public List<String> started() {
        return events().stream().filter(e -> e.kind().equals("start")).map(Event::task).toList();
    }

    /** The command line the task (by its display name) started with. */
    public List<String> commandOf(String task) {
        return events().stream().filter(e -> e.kind().equals("start") && e.task().equals(task)).findFirst()
                .orElseThrow(() -> new AssertionError(task + " did not start: " + started()))
                .request().template().container().getCommand();
    }

    public int index(String kind, String task) {
        List<Event> all = events();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).kind().equals(kind) && all.get(i).task().equals(task)) {
                return i;
            }
        }
        throw new AssertionError(task + " has no " + kind + " event in " + all);
    }

    public int maxRunning() {
        return maxRunning.get();
    }

    @Override
    public void close() {
        clock.shutdownNow();
    }
}
