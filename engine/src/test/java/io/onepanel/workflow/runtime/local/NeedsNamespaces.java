package io.onepanel.workflow.runtime.local;

import java.io.IOException;
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
 * Marks a test class that runs real tasks on the local runtime: it needs Linux, a POSIX
 * {@code sh} and private mount and PID namespaces through util-linux {@code unshare}. Elsewhere
 * (Windows, macOS, a container without namespaces) its tests are reported as skipped with what is
 * missing, never as passed. The machine is probed once per test JVM, as the runtime probes it.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(NeedsNamespaces.Condition.class)
public @interface NeedsNamespaces {

    final class Condition implements ExecutionCondition {

        private static volatile String missing;

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String why = missing();
            return why.isEmpty() ? ConditionEvaluationResult.enabled("Linux namespaces are available")
                    : ConditionEvaluationResult.disabled("not applicable here: " + why);
        }

        /** What this machine lacks for the local runtime, or "" when nothing. */
        static synchronized String missing() {
            if (missing == null) {
                missing = probe();
                if (!missing.isEmpty()) {
                    System.err.println("[onepanel-workflow] local-runtime tests not applicable: " + missing);
                }
            }
            return missing;
        }

        private static String probe() {
            if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
                return "the local runtime needs Linux (this is " + System.getProperty("os.name") + ")";
            }
            if (!Files.isExecutable(Path.of("/bin/sh"))) {
                return "no /bin/sh";
            }
            Path work = null;
            try {
                work = Files.createTempDirectory("onepanel-namespaces-probe");
                new Namespaces(LocalRuntimeOptions.defaults(), work).ready();
                return "";
            } catch (LocalRuntimeException | IOException e) {
                return e.getMessage();
            } finally {
                try {
                    if (work != null) {
                        FileTree.delete(work);
                    }
                } catch (IOException e) {
                    // An empty directory left in the temporary directory is harmless.
                }
            }
        }
    }
}
