package io.onepanel.workflow.dag;

import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeType;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * A DAG template with a {@code retryStrategy}, run as Argo runs it: a retry node whose children are
 * numbered attempts of the whole DAG ({@code name(0)}, {@code name(1)}, ...), each a fresh run of
 * every task; the retry node ends as the last attempt did.
 */
final class DagRetry {

    private final WorkflowExecution run;
    private final String id;
    private final String displayName;
    private final String parentId;
    private final TemplateBinding.Bound bound;
    private final Call call;
    private final Consumer<Node> onDone;
    private final Retrying retrying;
    private Node retries;
    private Instant firstStart;

    DagRetry(WorkflowExecution run, String id, String displayName, String parentId, TemplateBinding.Bound bound,
            Call call, Consumer<Node> onDone) {
        this.run = run;
        this.id = id;
        this.displayName = displayName;
        this.parentId = parentId;
        this.bound = bound;
        this.call = call;
        this.onDone = onDone;
        this.retrying = Retrying.of(bound.template(), bound.vars(), run);
    }

    void start() {
        retries = run.newNode(id, displayName, parentId, NodeType.RETRIES, bound.template().name());
        retries.phase = NodePhase.RUNNING;
        retries.startedAt = run.now();
        run.changed(retries);
        firstStart = retries.startedAt; // a resumed one's, as recorded
        attempt(0);
    }

    private void attempt(int attempt) {
        new DagRun(run, id + "(" + attempt + ")", displayName + "(" + attempt + ")", retries.id, bound, call,
                node -> ended(node, attempt)).start();
    }

    private void ended(Node node, int attempt) {
        node.attempt = attempt;
        if (node.phase != NodePhase.SUCCEEDED && !run.isCancelled()) {
            Instant due = retrying.nextDue(retries, node, attempt, firstStart, "the DAG ");
            if (due != null) {
                run.wait(Duration.between(run.now(), due), () -> {
                    if (run.isCancelled()) {
                        settle(node, attempt);
                    } else {
                        attempt(attempt + 1);
                    }
                });
                return;
            }
        }
        settle(node, attempt);
    }

    /** The retry node ends as its last attempt did. */
    private void settle(Node node, int attempt) {
        retries.phase = node.phase;
        retries.message = node.message;
        retries.outputParameters = node.outputParameters;
        retries.outputArtifacts = node.outputArtifacts;
        retries.attempt = attempt;
        retries.finishedAt = run.now();
        run.changed(retries);
        onDone.accept(retries);
    }
}
