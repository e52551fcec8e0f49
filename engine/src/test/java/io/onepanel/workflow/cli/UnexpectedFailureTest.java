package io.onepanel.workflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** A failure nobody turned into a message reaches the user as one line and status 1, never a stack trace. */
class UnexpectedFailureTest {

    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalStateException("the engine lost track\n\tat somewhere.deep(Inside.java:1)",
                    new RuntimeException("cause"));
        }
    }

    @Test
    void anExceptionFromACommandIsOneLineAndStatusOne() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine().addSubcommand("boom", new Boom());

        int status = cl.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute("boom");

        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("onepanel-workflow: internal error: IllegalStateException: the engine"
                + " lost track (this is a bug in onepanel-workflow; please report it with the command that caused"
                + " it)\n");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void anErrorWithoutAMessageIsNamedByItsCause() {
        assertThat(UnexpectedFailure.describe(new RuntimeException(new StackOverflowError())))
                .startsWith("onepanel-workflow: internal error: RuntimeException: java.lang.StackOverflowError");
        assertThat(UnexpectedFailure.describe(new StackOverflowError()))
                .startsWith("onepanel-workflow: internal error: StackOverflowError (this is a bug");
    }
}
