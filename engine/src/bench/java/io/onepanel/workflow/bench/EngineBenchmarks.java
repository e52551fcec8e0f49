package io.onepanel.workflow.bench;

import io.onepanel.workflow.bench.BenchWorkflows.NoopArtifactStore;
import io.onepanel.workflow.bench.BenchWorkflows.NoopRuntime;
import io.onepanel.workflow.bench.BenchWorkflows.Shape;
import io.onepanel.workflow.engine.LoadResult;
import io.onepanel.workflow.engine.RunListener;
import io.onepanel.workflow.engine.RunOptions;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.engine.WorkflowEngine;
import io.onepanel.workflow.runtime.local.LocalTaskRuntime;
import io.onepanel.workflow.engine.NodeStatus;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Harness (not JMH) for two engine figures:
 * <ol>
 *   <li><b>load</b>: text → {@link LoadResult} (parse, resolve, validate) of a 10,000-task random
 *       DAG template: 5 warm-up loads, then the median and min of 10 timed loads (target &lt; 1 s);
 *       then one 100,000-task load in a fresh heap state: time, and retained heap of the
 *       LoadResult (used heap after full GC, with and without it).</li>
 *   <li><b>makespan</b>: 100 tasks of {@code sleep 0.2} in a random DAG (1–3 random earlier
 *       dependencies each, fixed seed) on the {@link LocalTaskRuntime} (real processes in mount
 *       namespaces; needs root and unshare); makespan = start → completion wall time; critical
 *       path = longest chain × 0.2 s; target makespan / critical path ≤ 1.10. Run 3 times.</li>
 * </ol>
 *
 * <pre>
 * cd /work/wt/bench &amp;&amp; mvn -q -o -pl engine -Pbench package -DskipTests
 * java -Xmx8g -cp engine/target/benchmarks.jar io.onepanel.workflow.bench.EngineBenchmarks          # both
 * java -Xmx8g -cp engine/target/benchmarks.jar io.onepanel.workflow.bench.EngineBenchmarks load     # only 2
 * java -Xmx8g -cp engine/target/benchmarks.jar io.onepanel.workflow.bench.EngineBenchmarks makespan # only 3
 * </pre>
 */
public final class EngineBenchmarks {

    private static final List<String[]> ROWS = new ArrayList<>();

    private EngineBenchmarks() {}

    public static void main(String[] args) throws Exception {
        List<String> which = Arrays.asList(args);
        boolean all = which.isEmpty();
        if (all || which.contains("load")) {
            load();
        }
        if (all || which.contains("makespan")) {
            makespan(3);
        }
        System.out.println();
        System.out.println("| benchmark | figure | target | met |");
        System.out.println("| --- | --- | --- | --- |");
        for (String[] r : ROWS) {
            System.out.println("| " + String.join(" | ", r) + " |");
        }
    }

    private static WorkflowEngine noopEngine() {
        return WorkflowEngine.builder().runtime(new NoopRuntime()).artifacts(new NoopArtifactStore()).build();
    }

    static void load() {
        WorkflowEngine engine = noopEngine();
        String text10k = BenchWorkflows.echoYaml(Shape.RANDOM, 10_000);
        for (int i = 0; i < 5; i++) {
            check(engine.load("bench-10k.yaml", text10k));
        }
        long[] ns = new long[10];
        for (int i = 0; i < ns.length; i++) {
            long t0 = System.nanoTime();
            LoadResult r = engine.load("bench-10k.yaml", text10k);
            ns[i] = System.nanoTime() - t0;
            check(r);
        }
        Arrays.sort(ns);
        double median = (ns[4] + ns[5]) / 2e6;
        System.out.printf(Locale.ROOT, "load 10k tasks (%,d chars): median %.1f ms, min %.1f ms, max %.1f ms%n",
                text10k.length(), median, ns[0] / 1e6, ns[ns.length - 1] / 1e6);
        ROWS.add(new String[] {"load+validate 10k tasks (median of 10, after 5 warm-up)",
            String.format(Locale.ROOT, "%.0f ms (min %.0f, max %.0f)", median, ns[0] / 1e6, ns[ns.length - 1] / 1e6),
            "< 1000 ms", median < 1000 ? "yes" : "NO"});

        String text100k = BenchWorkflows.echoYaml(Shape.RANDOM, 100_000);
        text10k = null;
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = usedAfterGc(memory);
        long t0 = System.nanoTime();
        LoadResult big = engine.load("bench-100k.yaml", text100k);
        double ms = (System.nanoTime() - t0) / 1e6;
        check(big);
        long with = usedAfterGc(memory);
        double retainedMb = (with - before) / 1048576.0;
        System.out.printf(Locale.ROOT, "load 100k tasks (%,d chars): %.0f ms, LoadResult retains %.0f MB%n",
                text100k.length(), ms, retainedMb);
        ROWS.add(new String[] {"load+validate 100k tasks (once, " + text100k.length() / 1_000_000 + " MB text)",
            String.format(Locale.ROOT, "%.0f ms; LoadResult retains %.0f MB heap", ms, retainedMb), "-", "-"});
        if (big.workflow() == null) {
            throw new AssertionError();
        }
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static void check(LoadResult r) {
        if (r.hasErrors() || r.workflow() == null) {
            throw new IllegalStateException("template has errors: " + r.errors());
        }
    }

    /**
     * Where the time over the critical path goes: for each task, the gap between its last
     * dependency finishing and its own start (engine scheduling latency), and its attempt time
     * beyond the 0.2 s sleep (process start-up and tear-down in the runtime).
     */
    private static void breakdown(RunResult result, List<int[]> deps) {
        Map<String, NodeStatus> byName = new java.util.HashMap<>();
        for (NodeStatus n : result.nodes()) {
            byName.put(n.name(), n);
        }
        double gapSum = 0;
        double gapMax = 0;
        double extraSum = 0;
        double extraMax = 0;
        int gaps = 0;
        for (int i = 0; i < deps.size(); i++) {
            NodeStatus n = byName.get("t" + i);
            double extra = Duration.between(n.startedAt(), n.finishedAt()).toNanos() / 1e6 - 200;
            extraSum += extra;
            extraMax = Math.max(extraMax, extra);
            if (deps.get(i).length > 0) {
                Instant ready = null;
                for (int j : deps.get(i)) {
                    Instant f = byName.get("t" + j).finishedAt();
                    ready = ready == null || f.isAfter(ready) ? f : ready;
                }
                double gap = Duration.between(ready, n.startedAt()).toNanos() / 1e6;
                gapSum += gap;
                gapMax = Math.max(gapMax, gap);
                gaps++;
            }
        }
        System.out.printf(Locale.ROOT, "  per task: dependency-done -> start gap avg %.1f ms (max %.1f); "
                + "node time beyond sleep 0.2 avg %.1f ms (max %.1f)%n",
                gapSum / gaps, gapMax, extraSum / deps.size(), extraMax);
    }

    static void makespan(int runs) throws Exception {
        List<int[]> deps = BenchWorkflows.graph(Shape.RANDOM, 100, BenchWorkflows.SEED);
        int chain = BenchWorkflows.longestChain(deps);
        double critical = chain * 0.2;
        String text = BenchWorkflows.yaml(deps, "sleep 0.2");
        Path work = Files.createTempDirectory("engine-bench-local");
        NoopArtifactStore store = new NoopArtifactStore();
        try (LocalTaskRuntime runtime = new LocalTaskRuntime(work, store)) {
            WorkflowEngine engine = WorkflowEngine.builder().runtime(runtime).artifacts(store).build();
            LoadResult loaded = engine.load("bench-sleep.yaml", text);
            check(loaded);
            for (int i = 1; i <= runs; i++) {
                long t0 = System.nanoTime();
                RunResult result = engine.start(loaded.workflow(), RunOptions.withParameters(Map.of()),
                        RunListener.NONE).completion().get(10, TimeUnit.MINUTES);
                double makespan = (System.nanoTime() - t0) / 1e9;
                if (!result.succeeded()) {
                    throw new IllegalStateException("run failed: " + result.message());
                }
                double ratio = makespan / critical;
                breakdown(result, deps);
                System.out.printf(Locale.ROOT,
                        "makespan run %d: %.3f s, critical path %d tasks × 0.2 s = %.1f s, ratio %.3f%n",
                        i, makespan, chain, critical, ratio);
                ROWS.add(new String[] {"local makespan, 100 × sleep 0.2 random DAG, run " + i,
                    String.format(Locale.ROOT, "%.2f s / %.1f s (chain %d) = %.3f", makespan, critical, chain, ratio),
                    "≤ 1.10", ratio <= 1.10 ? "yes" : "NO"});
            }
        }
    }
}
