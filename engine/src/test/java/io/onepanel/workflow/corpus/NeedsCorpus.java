package io.onepanel.workflow.corpus;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a test class that reads the shared corpus, which lives beside the repository
 * ({@code ../shared/corpus}, as on CI) and not in it. Where the corpus is found the tests run;
 * where it is not, they are reported as skipped, with one line on the console saying why, so that
 * the build passes on a fresh clone.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(NeedsCorpus.Condition.class)
public @interface NeedsCorpus {

    /** Enabled when {@link CorpusFiles#find()} finds the corpus. */
    final class Condition implements ExecutionCondition {

        private static final AtomicBoolean ANNOUNCED = new AtomicBoolean();

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (CorpusFiles.find().isPresent()) {
                return ConditionEvaluationResult.enabled("the corpus is at " + CorpusFiles.find().get());
            }
            String reason = "corpus tests left out: " + CorpusFiles.whereLooked()
                    + " (put the corpus at ../shared/corpus beside the repository or pass -Donepanel.corpus=DIR)";
            if (ANNOUNCED.compareAndSet(false, true)) {
                System.err.println("[onepanel-workflow] " + reason);
            }
            return ConditionEvaluationResult.disabled(reason);
        }
    }
}
