package io.onepanel.workflow.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The mark of a live run: an operating-system lock on the file {@code lock} in the run's journal
 * directory, held by the process that runs it until the run ends. The system lets it go when that
 * process dies, however it dies (SIGKILL, a crash), so a held lock means the run is alive and a
 * free one that it is not. The file says which process holds it, for people.
 */
final class JournalLock implements AutoCloseable {

    static final String FILE = "lock";

    private final FileChannel channel;
    private final FileLock lock;

    private JournalLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of the run in {@code directory} for this process.
     *
     * @throws JournalException when a live process holds it
     */
    static JournalLock acquire(Path directory, String runName) throws IOException {
        FileChannel channel = JournalFiles.open(directory.resolve(FILE), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = tryLock(channel);
            if (lock == null) {
                String holder = holder(channel);
                throw new JournalException("run " + runName + " is still running (" + holder + " holds "
                        + directory.resolve(FILE) + "); stop it first, or let it end");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("process " + ProcessHandle.current().pid() + "\n")
                    .getBytes(StandardCharsets.UTF_8)), 0);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new JournalLock(channel, lock);
    }

    /** Who holds the lock of the run in {@code directory} ("process 1234"), or empty when no live process does. */
    static Optional<String> holder(Path directory) throws IOException {
        Path file = directory.resolve(FILE);
        if (!file.toFile().exists()) {
            return Optional.empty();
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = tryLock(channel);
            if (lock != null) {
                lock.release();
                return Optional.empty();
            }
            return Optional.of(holder(channel));
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException thisProcess) {
            return null; // this very process runs it
        }
    }

    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(64);
        channel.read(buffer, 0);
        String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip();
        return text.startsWith("process ") ? text : "another process";
    }

    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) {
                channel.truncate(0);
                lock.release();
            }
        } finally {
            channel.close();
        }
    }
}
