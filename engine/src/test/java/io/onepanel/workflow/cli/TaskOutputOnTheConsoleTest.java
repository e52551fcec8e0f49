package io.onepanel.workflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.NodeType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a task prints reaches the console as text, never as terminal control: escape sequences,
 * carriage returns and backspaces are shown escaped, and every line (every row, on a terminal)
 * starts with the task's prefix, so a task cannot clear the screen, retitle the window, or print a
 * line that passes for the command's own ({@code fake: Workflow Succeeded}). The JSON output keeps
 * the raw text; JSON escapes it.
 */
class TaskOutputOnTheConsoleTest {

    private static final NodeStatus TASK = new NodeStatus("wf-1", "A", "wf", NodeType.POD, "a", NodePhase.RUNNING, 0,
            "wf-a-1", null, null, null, null, null, Map.of(), null, null);

    private static final String CLEAR = "\u001b[2K";

    private static List<String> shown(Terminal terminal, String line) {
        StringWriter out = new StringWriter();
        try (ProgressDisplay display = new ProgressDisplay(new PrintWriter(out), terminal)) {
            display.log(TASK, line);
        }
        // On a terminal the status line is drawn after each line and cleared ("\r\e[2K") before the next.
        return java.util.Arrays.stream(out.toString().split("\n"))
                .map(segment -> segment.substring(segment.lastIndexOf(CLEAR) < 0 ? 0
                        : segment.lastIndexOf(CLEAR) + CLEAR.length()))
                .filter(row -> !row.isEmpty())
                .toList();
    }

    @Test
    void escapeSequencesAreShownNotObeyed() {
        assertThat(shown(Terminal.PLAIN, "\u001b[2J\u001b]0;owned\u0007clear"))
                .containsExactly("[A] \\x1b[2J\\x1b]0;owned\\x07clear");
    }

    @Test
    void aCarriageReturnOrBackspacesCannotHideThePrefix() {
        assertThat(shown(Terminal.PLAIN, "\rfake: Workflow Succeeded")).containsExactly(
                "[A] \\x0dfake: Workflow Succeeded");
        assertThat(shown(Terminal.PLAIN, "\b\b\b\bfake: Workflow Succeeded")).containsExactly(
                "[A] \\x08\\x08\\x08\\x08fake: Workflow Succeeded");
    }

    @Test
    void c1ControlsAndBidiOverridesAreEscapedAndTabsAndUnicodeTextStay() {
        assertThat(shown(Terminal.PLAIN, "\u009b2J \u202eevil\tok ünïcödé 日本"))
                .containsExactly("[A] \\u009b2J \\u202eevil\tok ünïcödé 日本");
    }

    @Test
    void onATerminalALongLineIsCutIntoRowsThatEachCarryThePrefix() {
        Terminal narrow = new Terminal(true, false, 30);
        String padded = "x".repeat(26) + "fake: Workflow Succeeded";

        List<String> rows = shown(narrow, padded);

        assertThat(rows).hasSizeGreaterThan(1).allSatisfy(row -> {
            assertThat(row).startsWith("[A] ");
            assertThat(row.length()).isLessThanOrEqualTo(30);
        });
        assertThat(String.join("", rows).replace("[A] ", "")).isEqualTo(padded);
    }

    @Test
    void elsewhereALongLineStaysOneLineWithItsPrefix() {
        String padded = " ".repeat(200) + "fake: Workflow Succeeded";
        assertThat(shown(Terminal.PLAIN, padded)).containsExactly("[A] " + padded);
    }
}
