package io.onepanel.workflow.artifact.files;

import io.onepanel.workflow.artifact.ArtifactException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * A fetch in progress: everything is written into a hidden sibling directory of the target and
 * moved into place in one rename when complete, so a failed fetch leaves nothing at the target.
 * Closing removes whatever is left of the staging directory.
 */
public final class StagedTarget implements AutoCloseable {

    private final Path target;
    private final Path staging;

    private StagedTarget(Path target, Path staging) {
        this.target = target;
        this.staging = staging;
    }

    public static StagedTarget create(Path target) throws ArtifactException {
        Path absolute = target.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        if (parent == null) {
            throw new ArtifactException("cannot place an artifact at the file system root");
        }
        try {
            Files.createDirectories(parent);
            Path staging = Files.createTempDirectory(parent, "." + absolute.getFileName() + ".staging-");
            return new StagedTarget(absolute, staging);
        } catch (IOException e) {
            throw new ArtifactException("cannot prepare " + absolute + ": " + e.getMessage(), e);
        }
    }

    public Path target() {
        return target;
    }

    /** A scratch directory on the same file system as the target. */
    public Path scratch() {
        return staging;
    }

    /** The suggested place for the content (a file or a directory) inside the scratch directory. */
    public Path content() {
        return staging.resolve("content");
    }

    /**
     * Moves {@code content} (inside the scratch directory) to the target in one rename. An existing
     * empty directory at the target is replaced; anything else there is an error.
     *
     * @param mode permissions for every regular file placed (Argo's {@code mode}), or null to keep them
     */
    public void commit(Path content, Integer mode) throws ArtifactException {
        try {
            if (mode != null) {
                applyMode(content, mode);
            }
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS) && isEmpty(target)) {
                    Files.delete(target);
                } else {
                    throw new ArtifactException("cannot place artifact at " + target + ": something is already there");
                }
            }
            try {
                Files.move(content, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(content, target);
            }
        } catch (IOException e) {
            throw new ArtifactException("cannot place artifact at " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        deleteTree(staging);
    }

    /** Removes a file or directory tree without following symbolic links; quietly. */
    public static void deleteTree(Path root) {
        if (root == null || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // best effort: a leftover hidden staging directory is harmless
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        }
    }

    private static void applyMode(Path root, int mode) throws IOException {
        Set<PosixFilePermission> permissions = permissions(mode);
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    Files.setPosixFilePermissions(file, permissions);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** POSIX permissions from the low nine bits of a Unix mode. */
    public static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < 9; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        return set;
    }

    /** The low nine bits of a Unix mode from POSIX permissions. */
    public static int mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= switch (p) {
                case OWNER_READ -> 0400;
                case OWNER_WRITE -> 0200;
                case OWNER_EXECUTE -> 0100;
                case GROUP_READ -> 040;
                case GROUP_WRITE -> 020;
                case GROUP_EXECUTE -> 010;
                case OTHERS_READ -> 04;
                case OTHERS_WRITE -> 02;
                case OTHERS_EXECUTE -> 01;
            };
        }
        return mode;
    }
}
