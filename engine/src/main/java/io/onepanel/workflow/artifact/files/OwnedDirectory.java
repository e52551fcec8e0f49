package io.onepanel.workflow.artifact.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A working directory that belongs to the process using it for as long as that process lives: it
 * holds {@code owner-<pid>.lock}, which the owner keeps locked ({@link FileChannel#tryLock()}, a
 * lock the kernel drops when the process ends, {@code kill -9} included). A directory whose lock
 * anyone can take was left by a process that is gone, and {@link #removeAbandoned} removes it;
 * one without a lock file is never touched (it is not ours, or it is being made right now).
 *
 * <p>The owner's pid is in the file's name so that a process never opens a lock file of its own:
 * on Linux, closing any channel to a file drops every lock the process holds on it.
 */
public final class OwnedDirectory implements AutoCloseable {

    private static final Pattern LOCK_NAME = Pattern.compile("owner-(\\d+)\\.lock");

    /** What {@link #removeAbandoned} removed. */
    public record Removed(int directories, long bytes) {
        public static final Removed NOTHING = new Removed(0, 0);

        public Removed plus(Removed other) {
            return new Removed(directories + other.directories, bytes + other.bytes);
        }

        public boolean isEmpty() {
            return directories == 0;
        }
    }

    private final Path directory;
    private final FileChannel channel;
    private final FileLock lock;

    private OwnedDirectory(Path directory, FileChannel channel, FileLock lock) {
        this.directory = directory;
        this.channel = channel;
        this.lock = lock;
    }

    /** Creates {@code directory} (and its parents) if needed and takes it over until {@link #close()}. */
    public static OwnedDirectory claim(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path lockFile = directory.resolve("owner-" + ProcessHandle.current().pid() + ".lock");
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new IOException(directory + " is in use by another process");
            }
            return new OwnedDirectory(directory, channel, lock);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public Path directory() {
        return directory;
    }

    /** Gives the directory up (the caller deletes it, before or after). */
    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the lock goes with the channel, or with the process
        }
    }

    /**
     * Removes each directory right below {@code parent} whose lock file is free: its owner died
     * without cleaning up. Directories of this process, of living processes, and without a lock
     * file are left alone, and so is one {@code mayRemove} refuses (something mounted below it).
     */
    public static Removed removeAbandoned(Path parent, Predicate<Path> mayRemove) {
        if (!Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
            return Removed.NOTHING;
        }
        Removed removed = Removed.NOTHING;
        try (DirectoryStream<Path> children = Files.newDirectoryStream(parent)) {
            for (Path child : children) {
                if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS) && abandoned(child) && mayRemove.test(child)) {
                    long bytes = size(child);
                    StagedTarget.deleteTree(child);
                    if (!Files.exists(child, LinkOption.NOFOLLOW_LINKS)) {
                        removed = removed.plus(new Removed(1, bytes));
                    }
                }
            }
        } catch (IOException e) {
            // what could be listed was looked at; the rest waits for the next run
        }
        return removed;
    }

    private static boolean abandoned(Path directory) throws IOException {
        try (DirectoryStream<Path> locks = Files.newDirectoryStream(directory, "owner-*.lock")) {
            for (Path lockFile : locks) {
                Matcher name = LOCK_NAME.matcher(lockFile.getFileName().toString());
                if (!name.matches() || Long.parseLong(name.group(1)) == ProcessHandle.current().pid()) {
                    return false; // ours (never opened here), or not a lock file of this kind
                }
                try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
                        FileLock lock = channel.tryLock()) {
                    return lock != null;
                } catch (OverlappingFileLockException e) {
                    return false;
                }
            }
        }
        return false;
    }

    private static long size(Path root) {
        long[] bytes = {0};
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    bytes[0] += attributes.size();
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // a size is only for the message
        }
        return bytes[0];
    }
}
