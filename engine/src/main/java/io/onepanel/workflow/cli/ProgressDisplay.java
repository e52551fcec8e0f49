package io.onepanel.workflow.cli;

import io.onepanel.workflow.artifact.TransferProgress;
import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.Progress;
import io.onepanel.workflow.engine.RunListener;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.engine.RunSummary;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Live progress of a run. Log lines are prefixed with their task ({@code [B] hello}). On a
 * terminal a single status line (task counts and elapsed time) is redrawn below them; elsewhere
 * every task's phase change is a line of its own.
 */
final class ProgressDisplay implements RunListener, AutoCloseable {

    private static final long TRANSFER_LINE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final PrintWriter out;
    private final Terminal terminal;
    private final long startNanos = System.nanoTime();
    private final Map<String, NodeStatus> tasks = new ConcurrentHashMap<>();
    private final Map<String, NodePhase> shownPhases = new ConcurrentHashMap<>();
    private final Map<String, String> shownProgress = new ConcurrentHashMap<>();
    private final Map<String, Long> lastTransferLine = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker;
    private volatile String lastTransfer = "";
    private boolean statusShown;

    ProgressDisplay(PrintWriter out, Terminal terminal) {
        this.out = out;
        this.terminal = terminal;
        if (terminal.interactive()) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "onepanel-workflow-progress");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(this::redraw, 250, 250, TimeUnit.MILLISECONDS);
        } else {
            ticker = null;
        }
    }

    @Override
    public void nodeChanged(NodeStatus node) {
        if (!RunSummary.isTask(node)) {
            return;
        }
        tasks.put(node.id(), node);
        if (node.progress() != null && !node.progress().equals(shownProgress.put(node.id(), node.progress()))
                && node.phase() == NodePhase.RUNNING) {
            // What the task reports of itself (ARGO_PROGRESS_FILE): a line where no status line is redrawn.
            if (terminal.interactive()) {
                redraw();
            } else {
                line(String.format("%7s  %-12s progress %s", elapsed(), PrintableText.of(node.name()),
                        node.progress()));
            }
        }
        NodePhase before = shownPhases.put(node.id(), node.phase());
        if (before == node.phase() || before == null && node.phase() == NodePhase.PENDING) {
            return;
        }
        if (terminal.interactive()) {
            if (node.phase().isFailure()) {
                line(prefix(node) + " " + terminal.styled("31", node.phase().argoName()) + detail(node));
            } else {
                redraw();
            }
        } else {
            line(Durations.padLeft(elapsed(), 7) + "  " + Durations.padRight(PrintableText.of(node.name()), 12) + " "
                    + node.phase().argoName() + detail(node));
        }
    }

    private static String detail(NodeStatus node) {
        StringBuilder b = new StringBuilder();
        if (node.phase().isDone() && node.startedAt() != null) {
            b.append(" in ").append(Durations.format(node.duration()));
        }
        if (node.exitCode() != null && node.exitCode() != 0) {
            b.append(", exit code ").append(node.exitCode());
        }
        if (node.message() != null && node.phase() != NodePhase.SUCCEEDED) {
            b.append(": ").append(PrintableText.of(node.message()));
        }
        return b.toString();
    }

    /**
     * A task's output line, escaped ({@link PrintableText}); on a terminal cut to its width, each
     * row with the task's prefix.
     */
    @Override
    public void log(NodeStatus node, String line) {
        String text = PrintableText.of(line);
        if (!terminal.interactive()) {
            line(prefix(node) + " " + text);
            return;
        }
        String name = PrintableText.of(node.name());
        for (String row : PrintableText.rows(text, terminal.columns() - name.length() - 3)) {
            line(prefix(node) + " " + row);
        }
    }

    @Override
    public void status(NodeStatus node, String message) {
        line(prefix(node) + " " + terminal.styled("2", PrintableText.of(message)));
    }

    private String prefix(NodeStatus node) {
        return terminal.tinted(node.name(), "[" + PrintableText.of(node.name()) + "]");
    }

    @Override
    public void transfer(NodeStatus node, TransferProgress p) {
        String text = PrintableText.of(p.artifact()) + " " + Durations.bytes(p.bytesDone())
                + (p.bytesTotal() > 0 ? "/" + Durations.bytes(p.bytesTotal()) : "")
                + ", " + p.filesDone() + (p.filesTotal() > 0 ? "/" + p.filesTotal() : "") + " files";
        boolean done = p.bytesTotal() > 0 && p.bytesDone() >= p.bytesTotal() && p.filesDone() >= p.filesTotal();
        if (terminal.interactive() && !done) {
            lastTransfer = "  " + PrintableText.of(node.name()) + ": " + text;
            return;
        }
        String key = node.id() + "/" + p.artifact();
        long now = System.nanoTime();
        Long last = lastTransferLine.get(key);
        if (done || last == null || now - last >= TRANSFER_LINE_INTERVAL_NANOS) {
            lastTransferLine.put(key, now);
            lastTransfer = "";
            line(prefix(node) + " " + terminal.styled("2", (done ? "transferred " : "transferring ") + text));
        }
    }

    @Override
    public void finished(RunResult result) {
        close();
    }

    /** Stops redrawing and clears the status line. */
    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        clearStatus();
        out.flush();
    }

    private synchronized void line(String text) {
        clearStatus();
        out.println(text);
        drawStatus();
        out.flush();
    }

    private synchronized void redraw() {
        if (ticker == null || ticker.isShutdown()) {
            return;
        }
        clearStatus();
        drawStatus();
        out.flush();
    }

    private void clearStatus() {
        if (statusShown) {
            out.print("\r\u001b[2K");
            statusShown = false;
        }
    }

    private void drawStatus() {
        if (!terminal.interactive() || ticker.isShutdown()) {
            return;
        }
        out.print(statusLine() + lastTransfer);
        statusShown = true;
    }

    String statusLine() {
        int pending = 0;
        int running = 0;
        int succeeded = 0;
        int failed = 0;
        int skipped = 0;
        for (NodeStatus n : tasks.values()) {
            switch (n.phase()) {
                case PENDING -> pending++;
                case RUNNING -> running++;
                case SUCCEEDED -> succeeded++;
                case FAILED, ERROR -> failed++;
                case SKIPPED, OMITTED -> skipped++;
                default -> { }
            }
        }
        return terminal.styled("1", "● " + elapsed()) + "  " + pending + " pending  "
                + terminal.styled("34", running + " running") + "  "
                + terminal.styled("32", succeeded + " succeeded") + "  "
                + (failed > 0 ? terminal.styled("31", failed + " failed") : failed + " failed") + "  "
                + skipped + " skipped  progress " + Progress.ofRun(List.copyOf(tasks.values()));
    }

    private String elapsed() {
        return Durations.format(Duration.ofNanos(System.nanoTime() - startNanos));
    }
}
