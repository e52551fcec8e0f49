package io.onepanel.workflow.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** Runs the command line in-process with captured output: what a user would see. */
final class Cli {

    record Outcome(int exitCode, String out, String err) {}

    private Cli() {}

    static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    static Path examples() {
        return Path.of(System.getProperty("onepanel.examples", "../examples"));
    }

    static String diamond() {
        return examples().resolve("dag-diamond.yaml").toString();
    }
}
