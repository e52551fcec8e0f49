package io.onepanel.workflow.cli;

import picocli.CommandLine;

/** {@code onepanel-workflow}: validate, graph, run and render Onepanel/Argo DAG workflow templates. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command tree; tests call {@code execute} on it with their own out/err writers. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new OnepanelWorkflowCommand());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }
}
