package io.onepanel.workflow.runtime.local;

import io.onepanel.workflow.runtime.TaskListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/** Keeps every log line and status note; {@link #firstLine} opens when the first log line arrives. */
final class RecordingListener implements TaskListener {

    final List<String> lines = new CopyOnWriteArrayList<>();
    final List<String> statuses = new CopyOnWriteArrayList<>();
    final CountDownLatch firstLine = new CountDownLatch(1);

    @Override
    public void log(String line) {
        lines.add(line);
        firstLine.countDown();
    }

    @Override
    public void status(String message) {
        statuses.add(message);
    }
}
