package io.onepanel.workflow.template;

import java.util.List;

/**
 * @param target space-separated task names that define the DAG's end; empty means every leaf
 * @param failFast null means Argo's default (true)
 * @param fromSteps true when this DAG was made from a {@code steps} template: each group of steps
 *     depends on the whole previous group, and {@code {{steps.X...}}} names the same nodes as
 *     {@code {{tasks.X...}}}
 */
public record DagSpec(List<DagTask> tasks, String target, Boolean failFast, boolean fromSteps, Positions positions) {

    public DagSpec {
        tasks = List.copyOf(tasks);
    }

    public boolean isFailFast() {
        return failFast == null || failFast;
    }
}
