package io.onepanel.workflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * The command line builds only the command it runs (picocli reads every option of every command it
 * builds, by reflection: a third of a short command's start-up), and the whole tree when it must
 * list them.
 */
class MainTest {

    private static final String[] ALL = {"validate", "graph", "run", "resume", "retry", "render", "stage"};

    @Test
    void aSubcommandBuildsOnlyItself() {
        assertThat(Main.commandLine(new String[] {"validate", "flow.yaml"}).getSubcommands().keySet())
                .containsExactly("validate");
        assertThat(Main.commandLine(new String[] {"stage"}).getSubcommands().keySet()).containsExactly("stage");
    }

    @Test
    void helpNoCommandAndUnknownCommandsGetTheWholeTree() {
        for (String[] args : new String[][] {{}, {"--help"}, {"nosuch"}, {"-V"}}) {
            assertThat(Main.commandLine(args).getSubcommands().keySet()).containsExactly(ALL);
        }
    }

    @Test
    void helpListsEveryVisibleCommand() {
        StringWriter out = new StringWriter();
        Main.commandLine(new String[] {"--help"}).setOut(new PrintWriter(out, true)).execute("--help");

        assertThat(out.toString()).contains("validate", "graph", "run", "resume", "retry", "render")
                .doesNotContainPattern("(?m)^\\s+stage\\s");
    }

    @Test
    void anUnknownCommandIsToldAsBefore() {
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new String[] {"nosuch"}).setErr(new PrintWriter(err, true)).execute("nosuch");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("Unmatched argument at index 0: 'nosuch'");
    }
}
