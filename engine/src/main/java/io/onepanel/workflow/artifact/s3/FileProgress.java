package io.onepanel.workflow.artifact.s3;

import io.onepanel.workflow.artifact.ProgressMeter;
import software.amazon.awssdk.transfer.s3.progress.TransferListener;

/**
 * Feeds one file's transfer-manager progress into an artifact's {@link ProgressMeter} as deltas,
 * so bytes only ever go up (a retried request restarting its count is ignored) and a finished file
 * counts exactly its size.
 */
final class FileProgress implements TransferListener {

    private final ProgressMeter meter;
    private final long size;
    private long counted;

    FileProgress(ProgressMeter meter, long size) {
        this.meter = meter;
        this.size = size;
    }

    @Override
    public void bytesTransferred(Context.BytesTransferred context) {
        transferred(context.progressSnapshot().transferredBytes());
    }

    /** This file's bytes so far in the current attempt (a retry starts again from zero). */
    void transferred(long now) {
        meter.touch();
        long delta;
        synchronized (this) {
            if (size >= 0) {
                now = Math.min(now, size);
            }
            delta = now - counted;
            if (delta <= 0) {
                return;
            }
            counted = now;
        }
        meter.addBytes(delta);
    }

    void done() {
        long rest;
        synchronized (this) {
            rest = size >= 0 ? size - counted : 0;
            counted = Math.max(counted, size);
        }
        meter.fileDone(rest);
    }
}
