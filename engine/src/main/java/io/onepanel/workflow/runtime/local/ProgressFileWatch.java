package io.onepanel.workflow.runtime.local;

import io.onepanel.workflow.runtime.OutputParameterFile;
import io.onepanel.workflow.runtime.TaskListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads a running task's progress file ({@code ARGO_PROGRESS_FILE}) every second, as Argo's
 * executor reads it every few, and tells the listener when its text changed; once more when the
 * task ended, so a short task's last word counts. The file is read as output parameter files are:
 * never through a link, and only its first {@value #LIMIT} bytes (an {@code N/M} is short).
 */
final class ProgressFileWatch {

    static final int LIMIT = 64;

    private final Path file;
    private final TaskListener listener;
    private ScheduledFuture<?> ticks;
    private String last;

    private ProgressFileWatch(Path file, TaskListener listener) {
        this.file = file;
        this.listener = listener;
    }

    /**
     * Watches the file the task's {@code ARGO_PROGRESS_FILE} names, from now; null when that is not
     * a file of the attempt's own (its /tmp, its volumes): no other file of this machine is read.
     */
    static ProgressFileWatch start(MountPlan plan, Map<String, String> environment, TaskListener listener,
            ScheduledExecutorService timers) {
        Path file;
        try {
            String named = environment.get(ContainerCommand.PROGRESS_VARIABLE);
            MountPlan.Location at = named == null ? null : plan.locate(ContainerPath.parse(named, "ARGO_PROGRESS_FILE"));
            file = at == null || !at.privateToAttempt() ? null : at.host();
        } catch (LocalRuntimeException e) {
            file = null; // not an absolute path: nothing to read
        }
        if (file == null) {
            return null;
        }
        ProgressFileWatch watch = new ProgressFileWatch(file, listener);
        watch.ticks = timers.scheduleWithFixedDelay(watch::read, 1, 1, TimeUnit.SECONDS);
        return watch;
    }

    /** Stops watching after a last read. */
    void stop() {
        ticks.cancel(false);
        read();
    }

    private synchronized void read() {
        String text;
        try {
            text = OutputParameterFile.read(file, LIMIT);
        } catch (OutputParameterFile.Unusable | IOException e) {
            return; // not written yet, being replaced, or not a progress file: Argo ignores it too
        }
        if (text == null) {
            return;
        }
        String trimmed = text.trim();
        if (!trimmed.equals(last)) {
            last = trimmed;
            listener.progress(trimmed);
        }
    }
}
