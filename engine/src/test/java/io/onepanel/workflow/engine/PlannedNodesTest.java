package io.onepanel.workflow.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.runtime.external.ExternalTaskRuntime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the Jenkins plugin lays its Pipeline branches out from: every node that runs something has
 * an announced ancestor (or is one), announced before it exists, and each announced node settles once,
 * a task only after its exit handler.
 */
class PlannedNodesTest {

    private static final String WORKFLOW = """
            metadata: {name: plan}
            entrypoint: main
            onExit: farewell
            templates:
            - name: main
              dag:
                tasks:
                - {name: A, template: echo}
                - {name: B, dependencies: [A], template: echo, withItems: [x, y]}
                - {name: C, dependencies: [A], template: echo, onExit: bye}
                - {name: N, dependencies: [A], template: inner}
                - {name: D, dependencies: [B, C], template: flaky}
                - {name: E, dependencies: [D], template: echo}
            - name: inner
              dag:
                tasks:
                - {name: P, template: echo}
            - name: echo
              container: {image: alpine:3.7, command: ["true"]}
            - name: flaky
              retryStrategy: {limit: 1}
              container: {image: alpine:3.7, command: ["false"]}
            - name: bye
              container: {image: alpine:3.7, command: ["true"]}
            - name: farewell
              dag:
                tasks:
                - {name: Z, template: bye}
            """;

    @Test
    void everyAttemptHasAnAnnouncedBranchAndEveryAnnouncedNodeSettlesOnceAfterItsExitHandler() throws Exception {
        Map<String, List<String>> planned = Collections.synchronizedMap(new LinkedHashMap<>());
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        ExternalTaskRuntime runtime = new ExternalTaskRuntime(task -> {
            events.add("attempt " + task.request().podName());
            boolean fails = task.request().template().name().equals("flaky");
            task.complete(fails ? TaskResult.failed(1, "exit 1") : TaskResult.succeeded(null, Map.of(), List.of()));
        });
        Map<String, String> nodeOfPod = Collections.synchronizedMap(new LinkedHashMap<>());
        RunListener listener = new RunListener() {
            @Override
            public void nodeChanged(NodeStatus node) {
                if (node.type() == NodeType.POD) {
                    nodeOfPod.put(node.podName(), node.id());
                }
                if (node.phase().isDone()) {
                    events.add("ended " + node.id());
                }
            }

            @Override
            public void planned(NodeStatus parent, List<PlannedNode> children) {
                planned.put(parent.id(), children.stream().map(PlannedNode::id).toList());
                events.add("planned " + parent.id());
            }

            @Override
            public void settled(NodeStatus node) {
                events.add("settled " + node.id());
            }
        };
        WorkflowEngine engine = WorkflowEngine.builder().runtime(runtime).artifacts(new MemoryArtifactStore()).build();
        WorkflowRun run = engine.start(engine.load("plan.yaml", WORKFLOW).workflow(),
                new RunOptions(Map.of(), "plan", "default", false, 2), listener);
        RunResult result = run.completion().get(30, TimeUnit.SECONDS);

        assertThat(result.phase()).isEqualTo(NodePhase.FAILED);
        assertThat(planned).containsEntry("plan", List.of("plan.A", "plan.B", "plan.C", "plan.N", "plan.D", "plan.E"))
                .containsEntry("plan.B", List.of("plan.B(0:x)", "plan.B(1:y)"))
                .containsEntry("plan.N", List.of("plan.N.P"))
                .containsEntry("plan.onExit", List.of("plan.onExit.Z"));
        List<String> announced = planned.values().stream().flatMap(List::stream).toList();
        for (String pod : events.stream().filter(e -> e.startsWith("attempt ")).map(e -> e.substring(8)).toList()) {
            String node = nodeOfPod.get(pod);
            assertThat(node).as("the node of pod " + pod).isNotNull();
            assertThat(announced.stream().anyMatch(p -> node.equals(p) || node.startsWith(p + ".")
                    || node.startsWith(p + "(")))
                    .as(node + " has an announced ancestor").isTrue();
        }
        for (String id : announced) {
            assertThat(events.stream().filter(("settled " + id)::equals)).as(id + " settles once").hasSize(1);
            assertThat(events.indexOf("planned " + id.replaceAll("\\.[^.(]+$|\\([^)]*\\)$", "")))
                    .isLessThan(events.indexOf("settled " + id));
        }
        // C settles after its exit handler ended, and its dependent D waited for that.
        assertThat(events.indexOf("settled plan.C")).isGreaterThan(events.indexOf("ended plan.C.onExit"));
        // D's retries are its attempts, under the announced D; E never ran and still settles (omitted).
        assertThat(nodeOfPod.values()).contains("plan.D(0)", "plan.D(1)").doesNotContain("plan.E");
        assertThat(result.nodes().stream().filter(n -> n.id().equals("plan.E")).findFirst().orElseThrow().phase())
                .isEqualTo(NodePhase.OMITTED);
    }
}
