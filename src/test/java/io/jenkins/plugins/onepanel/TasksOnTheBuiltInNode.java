package io.jenkins.plugins.onepanel;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

import hudson.Functions;
import io.jenkins.plugins.onepanel.run.BuiltInNodeTasks;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs the tasks of a test class's workflows on the built-in node ({@link BuiltInNodeTasks}' test
 * switch) instead of in pods, so no cluster is needed: {@code @ExtendWith(TasksOnTheBuiltInNode.class)}.
 * The templates' commands are POSIX ones, so such a class does not apply on Windows.
 */
public final class TasksOnTheBuiltInNode implements BeforeAllCallback, AfterAllCallback {

    private static final String SWITCH = BuiltInNodeTasks.class.getName() + ".enabled";

    @Override
    public void beforeAll(ExtensionContext context) {
        assumeFalse(Functions.isWindows(), "the templates' commands are POSIX ones");
        System.setProperty(SWITCH, "true");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        System.clearProperty(SWITCH);
    }
}
