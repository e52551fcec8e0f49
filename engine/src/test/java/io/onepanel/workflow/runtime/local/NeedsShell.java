package io.onepanel.workflow.runtime.local;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a test class that runs {@code /bin/sh} itself (not through namespaces): reported as skipped
 * where there is none (Windows), never as passed.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(NeedsShell.Condition.class)
public @interface NeedsShell {

    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return Files.isExecutable(Path.of("/bin/sh")) ? ConditionEvaluationResult.enabled("/bin/sh is here")
                    : ConditionEvaluationResult.disabled("not applicable here: no /bin/sh");
        }
    }
}
