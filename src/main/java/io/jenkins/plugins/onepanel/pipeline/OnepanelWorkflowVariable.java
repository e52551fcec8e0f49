package io.jenkins.plugins.onepanel.pipeline;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import org.jenkinsci.plugins.workflow.cps.CpsScript;
import org.jenkinsci.plugins.workflow.cps.GlobalVariable;
import org.jenkinsci.plugins.workflow.cps.GroovySourceFileAllowlist;

/**
 * Makes {@code onepanelWorkflow(...)} run {@code OnepanelWorkflowDriver.groovy}, the way
 * Declarative's {@code ModelStepLoader} makes {@code pipeline { }} run {@code ModelInterpreter}:
 * the script's class loader compiles the driver from this plugin's resources, CPS-transformed, and
 * Pipeline calls its {@code call} method. {@code CpsScript.invokeMethod} looks for a global variable
 * before a step, so this wins over {@link OnepanelWorkflowStep}, which has the same name only to
 * give the Snippet Generator a form.
 */
@Extension
public class OnepanelWorkflowVariable extends GlobalVariable {

    static final String DRIVER = "io.jenkins.plugins.onepanel.pipeline.OnepanelWorkflowDriver";

    @NonNull
    @Override
    public String getName() {
        return OnepanelWorkflowStep.FUNCTION_NAME;
    }

    @NonNull
    @Override
    public Object getValue(@NonNull CpsScript script) throws Exception {
        return script.getClass()
                .getClassLoader()
                .loadClass(DRIVER)
                .getConstructor(CpsScript.class)
                .newInstance(script);
    }

    /**
     * Pipeline loads Groovy sources from plugins only when an allowlist names them, because they
     * run without the sandbox; this names the driver and nothing else.
     */
    @Extension
    public static class DriverAllowlist extends GroovySourceFileAllowlist {

        private static final String DRIVER_SOURCE = "/" + DRIVER.replace('.', '/') + ".groovy";

        @Override
        public boolean isAllowed(String groovySourceFileUrl) {
            return groovySourceFileUrl.endsWith(DRIVER_SOURCE);
        }
    }
}
