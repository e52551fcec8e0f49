package io.onepanel.workflow.artifact.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * Reads an absolute path of this machine without following a symbolic link anywhere on it: what a
 * task left is opened only where it lies, never where a link of the task's would send the reader
 * ({@code /proc/self/environ}, a host file, another task's files).
 *
 * <p>Each directory on the way, from {@code /} down, is opened relative to the one above it with
 * {@code O_NOFOLLOW} ({@link SecureDirectoryStream}, which is {@code openat} on Linux), and the file
 * itself likewise; a link at any step is refused. Because every step holds the directory it came
 * from, a link swapped in while the path is being walked is refused too, not followed. The engine's
 * own directories above a task's files (the work root, the exchange directory) are made link-free
 * by resolving them once ({@link Path#toRealPath}) before any task runs.
 *
 * <p>Where the platform has no {@link SecureDirectoryStream} (not Linux), each step is checked with
 * {@code lstat} before the path is opened, which refuses planted links but not one swapped in
 * between the check and the open.
 */
public final class LinkFreePath {

    /** A symbolic link on the way to, or at, a path read with {@link LinkFreePath}. */
    public static final class LinkInPathException extends FileSystemException {
        private static final long serialVersionUID = 1L;

        public LinkInPathException(Path link) {
            super(link.toString(), null, "is a symbolic link; it is not followed");
        }

        /** The link: the path up to and including it. */
        public Path link() {
            return Path.of(getFile());
        }
    }

    private static final Set<StandardOpenOption> READ = Set.of(StandardOpenOption.READ);

    private LinkFreePath() {}

    /** Opens a regular file for reading. */
    public static SeekableByteChannel open(Path file) throws IOException {
        Path absolute = checked(file);
        Path name = absolute.getFileName();
        try (DirectoryStream<Path> parent = directory(absolute.getParent())) {
            if (parent instanceof SecureDirectoryStream<Path> secure) {
                BasicFileAttributes attributes = attributes(secure, name, absolute);
                if (attributes.isSymbolicLink()) {
                    throw new LinkInPathException(absolute);
                }
                if (!attributes.isRegularFile()) {
                    throw new FileSystemException(absolute.toString(), null, "is not a regular file");
                }
                try {
                    return secure.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
                } catch (FileSystemException e) {
                    throw swappedForLink(secure, name, absolute, e);
                }
            }
            BasicFileAttributes attributes = Files.readAttributes(absolute, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (attributes.isSymbolicLink()) {
                throw new LinkInPathException(absolute);
            }
            if (!attributes.isRegularFile()) {
                throw new FileSystemException(absolute.toString(), null, "is not a regular file");
            }
            return Files.newByteChannel(absolute, READ);
        }
    }

    public static InputStream newInputStream(Path file) throws IOException {
        return Channels.newInputStream(open(file));
    }

    /**
     * What is at {@code path} itself (a link is reported as a link, not followed), or null when
     * nothing is there.
     *
     * @throws LinkInPathException when a directory on the way is a symbolic link
     */
    public static BasicFileAttributes attributes(Path path) throws IOException {
        Path absolute = checked(path);
        if (absolute.getParent() == null) {
            return Files.readAttributes(absolute, BasicFileAttributes.class);
        }
        try (DirectoryStream<Path> parent = directory(absolute.getParent())) {
            if (parent instanceof SecureDirectoryStream<Path> secure) {
                return attributes(secure, absolute.getFileName(), absolute);
            }
            return Files.readAttributes(absolute, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Opens a directory, every step from {@code /} down without following links. The caller closes
     * it; on Linux it is a {@link SecureDirectoryStream} that opens what is inside it the same way.
     */
    public static DirectoryStream<Path> directory(Path directory) throws IOException {
        Path absolute = checked(directory);
        DirectoryStream<Path> current = Files.newDirectoryStream(absolute.getRoot());
        if (!(current instanceof SecureDirectoryStream<Path>)) {
            current.close();
            checkEachStep(absolute);
            return Files.newDirectoryStream(absolute);
        }
        Path walked = absolute.getRoot();
        for (Path name : absolute) {
            walked = walked.resolve(name);
            SecureDirectoryStream<Path> secure = (SecureDirectoryStream<Path>) current;
            try {
                current = child(secure, name, walked);
            } finally {
                secure.close();
            }
        }
        return current;
    }

    /** Opens the directory {@code name} inside {@code parent}, never through a link. */
    public static SecureDirectoryStream<Path> child(SecureDirectoryStream<Path> parent, Path name, Path shownAs)
            throws IOException {
        try {
            return parent.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
        } catch (FileSystemException e) {
            throw swappedForLink(parent, name, shownAs, e);
        }
    }

    /** What {@code name} inside {@code parent} is, without following it. */
    public static BasicFileAttributes attributes(SecureDirectoryStream<Path> parent, Path name, Path shownAs)
            throws IOException {
        try {
            return parent.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(shownAs.toString());
        }
    }

    /** A failed open of something that was checked: if it is a link now, say so. */
    private static IOException swappedForLink(SecureDirectoryStream<Path> parent, Path name, Path shownAs,
            FileSystemException failure) {
        try {
            if (attributes(parent, name, shownAs).isSymbolicLink()) {
                return new LinkInPathException(shownAs);
            }
        } catch (IOException e) {
            // Gone or unreadable: the original failure says more.
        }
        return failure instanceof NoSuchFileException ? new NoSuchFileException(shownAs.toString()) : failure;
    }

    /**
     * The engine's own directory with every link on it resolved, as far as it exists (the rest is
     * appended as it is): done once, before a task can touch anything below it, so that the paths
     * of a task's files have no link of the engine's on them.
     */
    public static Path resolvedOnce(Path directory) {
        Path absolute = directory.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute));
        } catch (IOException e) {
            return absolute;
        }
    }

    /** " (to TARGET)" for a link whose text can be read, else "": for messages only, never followed. */
    public static String pointsTo(Path link) {
        try {
            return " (to " + Files.readSymbolicLink(link) + ")";
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    private static void checkEachStep(Path absolute) throws IOException {
        Path walked = absolute.getRoot();
        for (Path name : absolute) {
            walked = walked.resolve(name);
            if (Files.isSymbolicLink(walked)) {
                throw new LinkInPathException(walked);
            }
        }
    }

    private static Path checked(Path path) {
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException("not an absolute path: " + path);
        }
        return path.normalize();
    }
}
