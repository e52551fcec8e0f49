package io.onepanel.workflow.bench;

import io.onepanel.workflow.bench.BenchWorkflows.NoopArtifactStore;
import io.onepanel.workflow.bench.BenchWorkflows.NoopRuntime;
import io.onepanel.workflow.bench.BenchWorkflows.Shape;
import io.onepanel.workflow.engine.LoadResult;
import io.onepanel.workflow.engine.RunListener;
import io.onepanel.workflow.engine.RunOptions;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.engine.WorkflowEngine;
import io.onepanel.workflow.template.Workflow;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scheduler overhead with a no-op runtime: wall time from {@code WorkflowEngine.start} to
 * {@code completion()} of a whole run, divided by the number of tasks (the JMH score is already
 * per task: {@code @OperationsPerInvocation}). The workflow is loaded once in setup; what is timed
 * is everything {@code start} does (it re-validates the workflow) plus scheduling, substitution of
 * {@code echo {{inputs.parameters.x}}} into each attempt, node bookkeeping and the final result.
 * Linear growth: {@code tasks1k} and {@code tasks10k} should score the same µs/task. Shapes: see
 * {@link BenchWorkflows.Shape} (DIAMONDS is 4-task diamonds in series, bottom of one feeding the
 * top of the next). Takes about 6 minutes on 2 cores.
 *
 * <pre>
 * cd /work/wt/bench &amp;&amp; mvn -q -o -pl engine -Pbench package -DskipTests
 * java -jar engine/target/benchmarks.jar SchedulerOverheadBenchmark
 * # with allocation figures:
 * java -jar engine/target/benchmarks.jar SchedulerOverheadBenchmark -prof gc
 * # where the time goes (JFR method samples):
 * java -jar engine/target/benchmarks.jar SchedulerOverheadBenchmark.tasks10k -p shape=RANDOM -f 1 \
 *     -jvmArgsAppend -XX:StartFlightRecording=filename=/tmp/sched.jfr,settings=profile
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 2)
public class SchedulerOverheadBenchmark {

    @Param({"WIDE", "DEEP", "RANDOM", "DIAMONDS"})
    public Shape shape;

    private WorkflowEngine engine;
    private NoopRuntime runtime;
    private Workflow small;
    private Workflow large;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        runtime = new NoopRuntime();
        engine = WorkflowEngine.builder().runtime(runtime).artifacts(new NoopArtifactStore()).build();
        small = load(1_000);
        large = load(10_000);
        // sanity: every task ran, and the argument reached the runtime substituted
        RunResult r = run(small);
        if (!r.succeeded() || r.nodes().size() < 1_001) {
            throw new IllegalStateException("run did not succeed: " + r.phase() + " " + r.message()
                    + " nodes=" + r.nodes().size());
        }
        List<String> args = runtime.last.template().container().getArgs();
        if (args.get(0).contains("{{")) {
            throw new IllegalStateException("not substituted: " + args);
        }
    }

    /** Starts each iteration with a clean young generation: a 10k run allocates ~300 MB. */
    @Setup(Level.Iteration)
    public void gc() {
        System.gc();
    }

    private Workflow load(int n) {
        LoadResult loaded = engine.load("bench-" + shape + "-" + n + ".yaml", BenchWorkflows.echoYaml(shape, n));
        if (loaded.hasErrors()) {
            throw new IllegalStateException(loaded.errors().toString());
        }
        return loaded.workflow();
    }

    private RunResult run(Workflow workflow) throws Exception {
        return engine.start(workflow, RunOptions.withParameters(Map.of()), RunListener.NONE).completion().get();
    }

    @Benchmark
    @OperationsPerInvocation(1_000)
    public RunResult tasks1k() throws Exception {
        return run(small);
    }

    @Benchmark
    @OperationsPerInvocation(10_000)
    public RunResult tasks10k() throws Exception {
        return run(large);
    }
}
