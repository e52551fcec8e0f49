package io.jenkins.plugins.onepanel;

import io.jenkins.plugins.onepanel.run.BuiltInNodeTasks;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code @ExtendWith(TasksOnTheBuiltInNode.class)}: the class's workflows run their tasks on the
 * built-in node (the test switch) instead of in pods, so a test needs no cluster. Templates whose
 * commands are POSIX shell ones say so with {@code @DisabledOnOs(OS.WINDOWS)}, so that on Windows
 * they are reported as not applicable rather than run.
 */
public final class TasksOnTheBuiltInNode implements BeforeAllCallback, AfterAllCallback {

    private static final String SWITCH = BuiltInNodeTasks.class.getName() + ".enabled";

    @Override
    public void beforeAll(ExtensionContext context) {
        System.setProperty(SWITCH, "true");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        System.clearProperty(SWITCH);
    }
}
