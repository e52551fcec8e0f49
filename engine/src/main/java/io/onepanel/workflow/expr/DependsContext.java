package io.onepanel.workflow.expr;

/** What a {@code depends} expression asks of the run: did this task end with this result? */
@FunctionalInterface
public interface DependsContext {

    boolean is(String task, TaskResult result);
}
