package io.onepanel.workflow.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "onepanel-workflow", mixinStandardHelpOptions = true,
        versionProvider = OnepanelWorkflowCommand.Version.class,
        description = "Runs Onepanel/Argo DAG workflow templates on this machine or on Kubernetes.",
        footer = {"", "Exit status: 0 succeeded or valid, 1 workflow failed (or an internal error, named in one line),",
                "2 invalid input, 130 interrupted (SIGINT, Ctrl-C), 143 terminated (SIGTERM)."})
final class OnepanelWorkflowCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "a command is required: validate, graph, run, resume, retry or render");
    }

    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"onepanel-workflow " + (v != null ? v : "(development build)"),
                    "Java " + System.getProperty("java.version")};
        }
    }
}
