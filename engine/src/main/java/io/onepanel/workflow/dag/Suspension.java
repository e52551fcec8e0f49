package io.onepanel.workflow.dag;

import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeType;
import io.onepanel.workflow.template.Template;
import java.time.Duration;
import java.util.function.Consumer;

/** A suspend template with a duration: a node that waits, then succeeds (or fails if the run was cancelled). */
final class Suspension {

    private Suspension() {}

    static void run(WorkflowExecution run, String id, String displayName, String parentId, TemplateBinding.Bound bound,
            Consumer<Node> onDone) {
        Template template = bound.template();
        Node node = run.newNode(id, displayName, parentId, NodeType.SUSPEND, template.name());
        node.phase = NodePhase.RUNNING;
        node.startedAt = run.now();
        run.changed(node);
        String duration;
        try {
            duration = Substitution.of(bound.vars(), "the suspend duration of template '" + template.name() + "'")
                    .text(template.suspend().duration());
        } catch (IllegalArgumentException e) {
            run.finishWith(node, NodePhase.ERROR, e.getMessage());
            onDone.accept(node);
            return;
        }
        if (duration == null || duration.isBlank()) {
            run.finishWith(node, NodePhase.ERROR, "suspend without a duration waits for a resume, which this engine"
                    + " cannot receive");
            onDone.accept(node);
            return;
        }
        Duration wait;
        try {
            TemplateNumbers.duration(template.name(), "suspend.duration", template.suspend().duration(), duration);
            wait = Durations.parse(duration);
        } catch (IllegalArgumentException e) {
            run.finishWith(node, NodePhase.ERROR, e.getMessage());
            onDone.accept(node);
            return;
        }
        run.wait(Duration.between(run.now(), node.startedAt.plus(wait)), () -> { // a resumed suspend keeps its end
            run.finishWith(node, run.isCancelled() ? NodePhase.FAILED : NodePhase.SUCCEEDED,
                    run.isCancelled() ? run.cancelReason() : null);
            onDone.accept(node);
        });
    }
}
