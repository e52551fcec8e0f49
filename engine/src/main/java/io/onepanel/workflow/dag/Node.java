package io.onepanel.workflow.dag;

import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.NodeType;
import io.onepanel.workflow.template.Artifact;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One node of a run as the scheduler keeps it. Mutable, and touched only on the scheduler's
 * thread; the outside world sees {@link NodeStatus} snapshots.
 */
final class Node {

    final String id;
    final String name;
    final String parentId;
    final NodeType type;
    final String templateName;
    final List<Node> children = new ArrayList<>();

    NodePhase phase = NodePhase.PENDING;
    int attempt;
    String podName;
    Instant startedAt;
    Instant finishedAt;
    Integer exitCode;
    String message;
    String result;
    Map<String, String> outputParameters = Map.of();
    List<Artifact> outputArtifacts = List.of();
    /** The run whose attempt this node took over (a retry's reused task), or null. */
    String reusedFrom;
    /** What the task last reported of its progress ({@code N/M}, checked), or null. */
    String progress;

    Node(String id, String name, String parentId, NodeType type, String templateName) {
        this.id = id;
        this.name = name;
        this.parentId = parentId;
        this.type = type;
        this.templateName = templateName;
    }

    boolean isCompleted() {
        return phase == NodePhase.SUCCEEDED || phase == NodePhase.FAILED || phase == NodePhase.ERROR;
    }

    /** Done in any way, including never run (skipped, omitted). */
    boolean isFulfilled() {
        return isCompleted() || phase == NodePhase.SKIPPED || phase == NodePhase.OMITTED;
    }

    NodeStatus snapshot() {
        return new NodeStatus(id, name, parentId, type, templateName, phase, attempt, podName, startedAt, finishedAt,
                exitCode, message, result, outputParameters, reusedFrom, progress);
    }
}
