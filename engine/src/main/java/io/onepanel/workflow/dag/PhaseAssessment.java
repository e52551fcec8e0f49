package io.onepanel.workflow.dag;

import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.template.ContinueOn;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides a finished DAG's phase the way Argo's {@code assessDAGPhase} does: walk from the root
 * tasks along dependency edges carrying a "branch phase" (the phase of the last task on the path
 * that actually ran); a target that never ran (omitted, skipped) inherits its branch's phase, a
 * failure winning over success. The DAG fails if a target's branch failed, unless the target's
 * {@code continueOn} covers it. So a failed task whose dependents handle the failure (enhanced
 * depends) does not fail the DAG, and an omitted leaf below a failure does.
 */
final class PhaseAssessment {

    private PhaseAssessment() {}

    private record Visit(TaskState task, NodePhase branch) {}

    static NodePhase assess(Collection<TaskState> tasks, List<TaskState> targets, boolean failFast) {
        Map<TaskState, NodePhase> targetPhases = new HashMap<>();
        Set<TaskState> targetSet = new HashSet<>(targets);
        Deque<Visit> queue = new ArrayDeque<>();
        Set<Visit> seen = new HashSet<>();
        for (TaskState t : tasks) {
            if (t.node != null && t.dependencies.isEmpty()) {
                offer(queue, seen, new Visit(t, NodePhase.SUCCEEDED));
            }
        }
        while (!queue.isEmpty()) {
            Visit v = queue.pollFirst();
            NodePhase branch = v.branch();
            if (v.task().node.isCompleted()) {
                branch = v.task().node.phase;
            }
            if (targetSet.contains(v.task())) {
                NodePhase previous = targetPhases.get(v.task());
                if (previous == null || !previous.isFailure()) {
                    targetPhases.put(v.task(), branch);
                }
            }
            for (TaskState d : v.task().dependents) {
                if (d.node != null) {
                    offer(queue, seen, new Visit(d, branch));
                }
            }
        }
        NodePhase result = NodePhase.SUCCEEDED;
        for (TaskState target : targets) {
            NodePhase branch = targetPhases.get(target);
            if (branch == null || !branch.isFailure()) {
                continue;
            }
            ContinueOn c = target.task.continueOn();
            if (c != null && ((branch == NodePhase.FAILED && c.failed()) || (branch == NodePhase.ERROR && c.error()))) {
                continue;
            }
            result = branch;
            if (failFast) {
                break;
            }
        }
        return result;
    }

    private static void offer(Deque<Visit> queue, Set<Visit> seen, Visit v) {
        if (seen.add(v)) {
            queue.addLast(v);
        }
    }
}
