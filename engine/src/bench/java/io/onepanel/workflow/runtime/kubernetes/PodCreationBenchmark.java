package io.onepanel.workflow.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.onepanel.workflow.diagnostics.SourcePosition;
import io.onepanel.workflow.pod.PodNames;
import io.onepanel.workflow.runtime.RunInfo;
import io.onepanel.workflow.runtime.TaskExecution;
import io.onepanel.workflow.runtime.TaskListener;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.template.Arguments;
import io.onepanel.workflow.template.Inputs;
import io.onepanel.workflow.template.Outputs;
import io.onepanel.workflow.template.Positions;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.TemplateMetadata;
import io.onepanel.workflow.template.TemplateType;
import io.onepanel.workflow.template.Workflow;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A 1,000-task wide DAG against fabric8's mock API server (CRUD mode, 127.0.0.1): 1,000 concurrent
 * {@code start} calls, timed until every pod exists. Pods/s = 1000 / score. After each iteration,
 * the heap held per running task (attempt state, informer cache entry, pending timers) is printed.
 *
 * <pre>
 * mvn -pl engine -Pbench package -DskipTests
 * java -jar engine/target/benchmarks.jar PodCreationBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class PodCreationBenchmark {

    static final int TASKS = 1000;
    static final String NS = "bench";

    /** qps:burst; 20:30 is the runtime's default (Argo's controller default). */
    @Param({"20:30", "1000:1000"})
    public String rate;

    private KubernetesMockServer server;
    private KubernetesClient client;
    private KubernetesTaskRuntime runtime;
    private List<TaskRequest> requests;
    private final List<TaskExecution> executions = new ArrayList<>();
    private CountDownLatch created;
    private long heapBefore;
    /** Held so the level sticks: the mock server logs every request at INFO otherwise. */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    @Setup(Level.Iteration)
    public void setUp() throws Exception {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        server.init(InetAddress.getByName("127.0.0.1"), 0);
        Config config = new ConfigBuilder(server.createClient().getConfiguration()).withNamespace(NS)
                .withRequestRetryBackoffLimit(0).build();
        client = new KubernetesClientBuilder().withConfig(config).build();
        String[] qb = rate.split(":");
        runtime = new KubernetesTaskRuntime(client, KubernetesRuntimeConfig.defaults()
                .withRate(Double.parseDouble(qb[0]), Integer.parseInt(qb[1])));

        RunInfo run = new RunInfo("wide-dag", UUID.randomUUID().toString(), NS, Instant.now());
        Positions nowhere = Positions.at(SourcePosition.unknown("bench.yaml"));
        Template echo = new Template("echo", TemplateType.CONTAINER, Inputs.EMPTY, Outputs.EMPTY, null,
                new ContainerBuilder().withImage("alpine:3.7").withCommand("echo", "hi").withNewResources()
                        .addToRequests("cpu", new Quantity("100m")).endResources().build(),
                null, null, null, null, null, null, null, null, TemplateMetadata.EMPTY, Map.of(), List.of(), null,
                List.of(), List.of(), List.of(), null, null, null, null, nowhere);
        Workflow wf = new Workflow("bench.yaml", "", "wide-dag", NS, Map.of(), "main", Arguments.EMPTY,
                Map.of("echo", echo), null, null, null, List.of(), List.of(), null, Map.of(), List.of(), null, null,
                List.of(), null, null, null, null, nowhere);
        requests = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            String task = "task-" + i;
            requests.add(new TaskRequest(run, task, PodNames.podName(run.workflowName(), task, 0), 0, echo, wf, null));
        }
        // Open the namespace's informer before timing, as a run's first task would.
        RunInfo warm = new RunInfo("warm", UUID.randomUUID().toString(), NS, Instant.now());
        TaskExecution first = runtime.start(new TaskRequest(warm, "w", PodNames.podName("warm", "w", 0), 0, echo,
                wf, null), TaskListener.NONE);
        first.cancel("warm-up done");
        first.result().get(60, TimeUnit.SECONDS);
        Thread.sleep(1100); // let the token bucket refill its burst
        heapBefore = usedHeap();
        created = new CountDownLatch(TASKS);
    }

    @Benchmark
    public void createThousandPods() throws InterruptedException {
        TaskListener listener = new TaskListener() {
            @Override
            public void log(String line) {}

            @Override
            public void status(String message) {
                if (message.endsWith(" created")) {
                    created.countDown();
                }
            }
        };
        for (TaskRequest r : requests) {
            executions.add(runtime.start(r, listener));
        }
        if (!created.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException(created.getCount() + " pods were not created");
        }
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
        long heapAfter = usedHeap();
        System.out.printf("%n[%s] heap per running task: %.1f KiB (%d tasks, %.1f MiB in all)%n", rate,
                (heapAfter - heapBefore) / 1024.0 / TASKS, TASKS, (heapAfter - heapBefore) / 1024.0 / 1024.0);
        runtime.close();
        client.close();
        server.destroy();
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
