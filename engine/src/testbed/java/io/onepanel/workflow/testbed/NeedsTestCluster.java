package io.onepanel.workflow.testbed;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a test class that runs pods on the {@link TestCluster}: it needs Linux, root and util-linux
 * namespaces (as CI has). Elsewhere its tests are reported as skipped with what is missing, never
 * as passed. The machine is probed once per test JVM ({@link HostTools#missing()}).
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(NeedsTestCluster.Condition.class)
public @interface NeedsTestCluster {

    final class Condition implements ExecutionCondition {

        private static boolean told;

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String why = HostTools.missing();
            if (why.isEmpty()) {
                return ConditionEvaluationResult.enabled("this machine can run the test bed");
            }
            synchronized (Condition.class) {
                if (!told) {
                    told = true;
                    System.err.println("[onepanel-workflow] test bed tests not applicable: " + why);
                }
            }
            return ConditionEvaluationResult.disabled("not applicable here: " + why);
        }
    }
}
