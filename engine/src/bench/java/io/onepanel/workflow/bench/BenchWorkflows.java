package io.onepanel.workflow.bench;

import io.onepanel.workflow.artifact.ArtifactStore;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.runtime.TaskExecution;
import io.onepanel.workflow.runtime.TaskListener;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.runtime.TaskRuntime;
import io.onepanel.workflow.template.Artifact;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Generated DAG workflow templates for the engine benchmarks, plus a no-op runtime and artifact
 * store. Every task calls one container template with one parameter, so each attempt exercises
 * argument substitution ({@code {{inputs.parameters.x}}}).
 */
public final class BenchWorkflows {

    /** Fixed seed: the random DAGs are the same on every run. */
    public static final long SEED = 20261124L;

    private BenchWorkflows() {}

    public enum Shape {
        /** All tasks independent. */
        WIDE,
        /** One chain t0 → t1 → ... */
        DEEP,
        /** Task i depends on 1–3 distinct random earlier tasks (fixed seed). */
        RANDOM,
        /** Diamonds in series: top → (left, right) → bottom → next diamond's top ... */
        DIAMONDS
    }

    /** For each task, the indexes of the tasks it depends on. */
    public static List<int[]> graph(Shape shape, int n, long seed) {
        List<int[]> deps = new ArrayList<>(n);
        Random random = new Random(seed);
        for (int i = 0; i < n; i++) {
            switch (shape) {
                case WIDE -> deps.add(new int[0]);
                case DEEP -> deps.add(i == 0 ? new int[0] : new int[] {i - 1});
                case RANDOM -> {
                    if (i == 0) {
                        deps.add(new int[0]);
                    } else {
                        int k = Math.min(i, 1 + random.nextInt(3));
                        TreeSet<Integer> picked = new TreeSet<>();
                        while (picked.size() < k) {
                            picked.add(random.nextInt(i));
                        }
                        deps.add(picked.stream().mapToInt(Integer::intValue).toArray());
                    }
                }
                case DIAMONDS -> {
                    // positions within a diamond of 4: 0 top, 1 left, 2 right, 3 bottom
                    int p = i % 4;
                    deps.add(switch (p) {
                        case 0 -> i == 0 ? new int[0] : new int[] {i - 1};
                        case 1 -> new int[] {i - 1};
                        case 2 -> new int[] {i - 2};
                        default -> new int[] {i - 2, i - 1};
                    });
                }
            }
        }
        return deps;
    }

    /** Longest chain, counted in tasks. */
    public static int longestChain(List<int[]> deps) {
        int[] depth = new int[deps.size()];
        int best = 0;
        for (int i = 0; i < deps.size(); i++) {
            int d = 0;
            for (int j : deps.get(i)) {
                d = Math.max(d, depth[j]);
            }
            depth[i] = d + 1;
            best = Math.max(best, depth[i]);
        }
        return best;
    }

    /** An Argo Workflow whose entrypoint DAG has one task per entry of {@code deps}. */
    public static String yaml(List<int[]> deps, String command) {
        StringBuilder y = new StringBuilder(deps.size() * 140 + 1024);
        y.append("apiVersion: argoproj.io/v1alpha1\n")
                .append("kind: Workflow\n")
                .append("metadata:\n")
                .append("  name: bench\n")
                .append("spec:\n")
                .append("  entrypoint: main\n")
                .append("  templates:\n")
                .append("  - name: main\n")
                .append("    dag:\n")
                .append("      tasks:\n");
        for (int i = 0; i < deps.size(); i++) {
            y.append("      - name: t").append(i).append('\n');
            y.append("        template: work\n");
            int[] d = deps.get(i);
            if (d.length > 0) {
                y.append("        depends: \"");
                for (int k = 0; k < d.length; k++) {
                    if (k > 0) {
                        y.append(" && ");
                    }
                    y.append('t').append(d[k]);
                }
                y.append("\"\n");
            }
            y.append("        arguments:\n")
                    .append("          parameters:\n")
                    .append("          - name: x\n")
                    .append("            value: \"").append(i).append("\"\n");
        }
        y.append("  - name: work\n")
                .append("    inputs:\n")
                .append("      parameters:\n")
                .append("      - name: x\n")
                .append("    container:\n")
                .append("      image: alpine:3.19\n")
                .append("      command: [sh, -c]\n")
                .append("      args: [\"").append(command).append("\"]\n");
        return y.toString();
    }

    public static String echoYaml(Shape shape, int n) {
        return yaml(graph(shape, n, SEED), "echo {{inputs.parameters.x}}");
    }

    /** Completes every attempt at once with success, on the calling (scheduler) thread. */
    public static final class NoopRuntime implements TaskRuntime {
        private static final TaskResult OK = TaskResult.succeeded(null, Map.of(), List.of());
        private static final TaskExecution DONE = new TaskExecution() {
            private final CompletableFuture<TaskResult> result = CompletableFuture.completedFuture(OK);

            @Override
            public CompletableFuture<TaskResult> result() {
                return result;
            }

            @Override
            public void cancel(String reason) {}
        };

        /** The last attempt started: a sanity check that substitution reached the runtime. */
        public volatile TaskRequest last;

        @Override
        public TaskExecution start(TaskRequest request, TaskListener listener) {
            last = request;
            return DONE;
        }
    }

    /** Locates artifacts as they are and never moves bytes. */
    public static final class NoopArtifactStore implements ArtifactStore {
        @Override
        public Artifact locate(Artifact output, Map<String, String> variables) {
            return output;
        }

        @Override
        public void fetch(Artifact input, Path target, TransferListener listener) {}

        @Override
        public Artifact store(Artifact output, Path source, TransferListener listener) {
            return output;
        }
    }
}
