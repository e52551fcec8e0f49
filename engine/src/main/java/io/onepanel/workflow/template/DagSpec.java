package io.onepanel.workflow.template;

import java.util.List;

/**
 * @param target space-separated task names that define the DAG's end; empty means every leaf
 * @param failFast null means Argo's default (true)
 */
public record DagSpec(List<DagTask> tasks, String target, Boolean failFast, Positions positions) {

    public DagSpec {
        tasks = List.copyOf(tasks);
    }

    public boolean isFailFast() {
        return failFast == null || failFast;
    }
}
