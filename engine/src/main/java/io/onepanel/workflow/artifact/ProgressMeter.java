package io.onepanel.workflow.artifact;

/**
 * Counts bytes and files of one artifact's transfer from many threads and tells a {@link
 * TransferListener}, always in order: bytes and files done never go down, and never pass the totals.
 */
public final class ProgressMeter {

    private final TransferListener listener;
    private final String artifact;
    private long bytesTotal;
    private int filesTotal;
    private long bytesDone;
    private int filesDone;
    private volatile long lastActivity = System.nanoTime();

    public ProgressMeter(TransferListener listener, String artifact, long bytesTotal, int filesTotal) {
        this.listener = listener == null ? TransferListener.NONE : listener;
        this.artifact = artifact;
        this.bytesTotal = bytesTotal;
        this.filesTotal = filesTotal;
    }

    /** Announces the totals (and that nothing is done yet). */
    public synchronized void start() {
        touch();
        emit();
    }

    /** Bytes moved (perhaps again, on a retry): the transfer is alive even if the count did not grow. */
    public void touch() {
        lastActivity = System.nanoTime();
    }

    /** How long since bytes last moved or a file was done. */
    public long idleNanos() {
        return System.nanoTime() - lastActivity;
    }

    public synchronized void totals(long bytes, int files) {
        touch();
        bytesTotal = bytes;
        filesTotal = files;
        emit();
    }

    /** Adds transferred bytes; a negative or zero delta (a retried part restarting) is ignored. */
    public synchronized void addBytes(long delta) {
        touch();
        if (delta <= 0) {
            return;
        }
        bytesDone += delta;
        if (bytesTotal >= 0 && bytesDone > bytesTotal) {
            bytesDone = bytesTotal;
        }
        emit();
    }

    /** One file finished; {@code remainingBytes} not yet counted for it are added. */
    public synchronized void fileDone(long remainingBytes) {
        touch();
        if (remainingBytes > 0) {
            bytesDone += remainingBytes;
            if (bytesTotal >= 0 && bytesDone > bytesTotal) {
                bytesDone = bytesTotal;
            }
        }
        filesDone++;
        if (filesTotal >= 0 && filesDone > filesTotal) {
            filesDone = filesTotal;
        }
        emit();
    }

    public synchronized TransferProgress snapshot() {
        return new TransferProgress(artifact, bytesDone, bytesTotal, filesDone, filesTotal);
    }

    private void emit() {
        listener.progress(new TransferProgress(artifact, bytesDone, bytesTotal, filesDone, filesTotal));
    }
}
