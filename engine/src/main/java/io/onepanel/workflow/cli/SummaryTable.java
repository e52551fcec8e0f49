package io.onepanel.workflow.cli;

import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.engine.RunSummary;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The end of a run for people: one row per task, then the workflow's phase and outputs. */
final class SummaryTable {

    static final int RESULT_WIDTH = 40;

    private SummaryTable() {}

    static void print(RunResult result, Terminal terminal, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"TASK", "PHASE", "DURATION", "EXIT", "OUTPUTS"});
        for (NodeStatus n : result.nodes()) {
            if (RunSummary.isTask(n)) {
                rows.add(new String[] {PrintableText.of(n.name()),
                        n.phase().argoName() + (n.reusedFrom() != null ? " (reused)" : ""),
                        n.startedAt() == null ? "-" : Durations.format(n.duration()),
                        n.exitCode() == null ? "-" : n.exitCode().toString(), outputs(n)});
            }
        }
        int[] widths = new int[5];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        out.println();
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                String cell = i == row.length - 1 ? row[i] : pad(row[i], widths[i]) + "  ";
                line.append(r == 0 ? terminal.styled("1", cell) : i == 1 ? phaseColour(terminal, row[1], cell) : cell);
            }
            out.println(line.toString().stripTrailing());
        }
        out.println();
        Duration took = result.startedAt() != null && result.finishedAt() != null
                ? Duration.between(result.startedAt(), result.finishedAt()) : Duration.ZERO;
        out.println("Workflow " + result.workflowName() + " " + phaseColour(terminal, result.phase().argoName(),
                result.phase().argoName()) + " in " + Durations.format(took)
                + (result.message() != null ? ": " + PrintableText.of(result.message()) : ""));
        result.outputs().forEach((k, v) -> out.println("  " + PrintableText.of(k) + " = " + abbreviate(v)));
        result.nodes().stream().filter(n -> RunSummary.isTask(n) && n.reusedFrom() != null).map(NodeStatus::reusedFrom)
                .distinct().forEach(from -> out.println(terminal.styled("2", "(reused) ran in "
                        + PrintableText.of(from) + "; its results and outputs are that run's")));
        out.flush();
    }

    private static String phaseColour(Terminal terminal, String phase, String cell) {
        return switch (phase.replace(" (reused)", "")) {
            case "Succeeded" -> terminal.styled("32", cell);
            case "Failed", "Error" -> terminal.styled("31", cell);
            case "Skipped", "Omitted" -> terminal.styled("2", cell);
            default -> cell;
        };
    }

    static String outputs(NodeStatus n) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(n.outputParameters()).entrySet()) {
            parts.add(PrintableText.of(e.getKey()) + "=" + abbreviate(e.getValue()));
        }
        if (n.result() != null && !n.result().isEmpty()) {
            parts.add("result=" + abbreviate(n.result()));
        }
        return parts.isEmpty() ? "-" : String.join(" ", parts);
    }

    static String abbreviate(String value) {
        String flat = PrintableText.of(value.replace("\r", "").replace("\n", "⏎"));
        return flat.length() <= RESULT_WIDTH ? flat : flat.substring(0, RESULT_WIDTH - 1) + "…";
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }
}
