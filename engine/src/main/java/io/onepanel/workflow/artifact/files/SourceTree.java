package io.onepanel.workflow.artifact.files;

import io.onepanel.workflow.artifact.ArtifactException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * What an output is made of, read once before uploading: the regular files with their sizes and
 * relative names, and the directories. Nothing is read through a symbolic link that leaves the
 * output: the output's own path and every directory above it must be no link at all
 * ({@link LinkFreePath}); inside an output directory, a link is stored as the file it names when
 * that file lies inside the output (a relative link such as {@code latest -> model-3.h5}), and any
 * other link (absolute, climbing out, to a directory, dangling) is an error naming it. Every file is
 * later opened with {@link File#open()}, link-free again, so a link swapped in after the scan is
 * refused rather than followed.
 *
 * @param directory whether the source is a directory (else a single file)
 * @param files for a directory: every file, relative names with '/'; for a file: one entry, name ""
 * @param directories for a directory: every directory, "" for the root; for a file: none
 * @param emptyDirectories relative names of directories with nothing in them ("" for an empty root)
 */
public record SourceTree(Path root, boolean directory, List<File> files, List<String> directories,
        List<String> emptyDirectories, long bytes) {

    /** A directory tree deeper than this is refused rather than walked (each level holds a directory open). */
    public static final int MAX_DEPTH = 1000;

    /** How many links in a row a link inside an output may pass through, as the kernel allows. */
    private static final int MAX_LINKS = 40;

    /**
     * @param path where the bytes are (for a link inside the output: the file it names)
     * @param relative the name in the output
     */
    public record File(Path path, String relative, long size) {

        /** The file's bytes, opened without following a link anywhere on its path. */
        public InputStream open() throws IOException {
            return LinkFreePath.newInputStream(path);
        }

        public SeekableByteChannel channel() throws IOException {
            return LinkFreePath.open(path);
        }
    }

    public SourceTree {
        files = List.copyOf(files);
        directories = List.copyOf(directories);
        emptyDirectories = List.copyOf(emptyDirectories);
    }

    public int fileCount() {
        return files.size();
    }

    /**
     * @param source an absolute path with no symbolic link on it (the engine's directories above a
     *     task's files are resolved once for that)
     * @return null when nothing exists at {@code source}
     * @throws ArtifactException naming the link, or the entry that is neither file nor directory
     */
    public static SourceTree scan(Path source) throws ArtifactException {
        Path root = source.toAbsolutePath().normalize();
        try {
            BasicFileAttributes attributes = LinkFreePath.attributes(root);
            if (attributes == null) {
                return null;
            }
            if (attributes.isSymbolicLink()) {
                throw new ArtifactException(root + " is a symbolic link" + LinkFreePath.pointsTo(root)
                        + "; outputs are read where they are, never through a link");
            }
            if (attributes.isRegularFile()) {
                return new SourceTree(root, false, List.of(new File(root, "", attributes.size())), List.of(),
                        List.of(), attributes.size());
            }
            if (!attributes.isDirectory()) {
                throw new ArtifactException(root + " is neither a file nor a directory");
            }
            Walk walk = new Walk(root);
            try (DirectoryStream<Path> top = LinkFreePath.directory(root)) {
                walk.directory(top, "", 0);
            }
            return new SourceTree(root, true, walk.files, walk.directories, walk.empty, walk.bytes);
        } catch (LinkFreePath.LinkInPathException e) {
            throw new ArtifactException(e.link() + " is a symbolic link" + LinkFreePath.pointsTo(e.link())
                    + "; outputs are read where they are, never through a link");
        } catch (FileSystemException e) {
            throw new ArtifactException("cannot read " + source + ": " + e.getFile()
                    + (e.getReason() == null ? "" : " " + e.getReason()), e);
        } catch (IOException e) {
            throw new ArtifactException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    /** One scan of a directory output. */
    private static final class Walk {
        private final Path root;
        private final List<File> files = new ArrayList<>();
        private final List<String> directories = new ArrayList<>();
        private final List<String> empty = new ArrayList<>();
        private long bytes;

        Walk(Path root) {
            this.root = root;
        }

        void directory(DirectoryStream<Path> stream, String relative, int depth) throws IOException, ArtifactException {
            if (depth > MAX_DEPTH) {
                throw new ArtifactException(root + ": '" + relative + "' is more than " + MAX_DEPTH
                        + " directories deep");
            }
            directories.add(relative);
            boolean any = false;
            for (Path entry : stream) {
                any = true;
                Path name = entry.getFileName();
                String child = relative.isEmpty() ? name.toString() : relative + "/" + name;
                Path host = root.resolve(child);
                BasicFileAttributes attributes = stream instanceof SecureDirectoryStream<Path> secure
                        ? LinkFreePath.attributes(secure, name, host)
                        : Files.readAttributes(host, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (attributes.isDirectory()) {
                    try (DirectoryStream<Path> inner = stream instanceof SecureDirectoryStream<Path> secure
                            ? LinkFreePath.child(secure, name, host) : LinkFreePath.directory(host)) {
                        directory(inner, child, depth + 1);
                    }
                } else if (attributes.isRegularFile()) {
                    files.add(new File(host, child, attributes.size()));
                    bytes += attributes.size();
                } else if (attributes.isSymbolicLink()) {
                    link(child);
                } else {
                    throw new ArtifactException(root + ": '" + child + "' is not a regular file");
                }
            }
            if (!any) {
                empty.add(relative);
            }
        }

        /** A link inside the output: stored as the file it names, when that is a file inside the output. */
        private void link(String relative) throws IOException, ArtifactException {
            String at = relative;
            for (int hops = 0; hops < MAX_LINKS; hops++) {
                Path text = Files.readSymbolicLink(root.resolve(at));
                String target = inside(at, text);
                if (target == null) {
                    throw new ArtifactException(root + ": symbolic link '" + relative + "' points outside the"
                            + " artifact (to " + text + "); only relative links to files inside it are stored");
                }
                Path host = root.resolve(target);
                BasicFileAttributes attributes;
                try {
                    attributes = LinkFreePath.attributes(host);
                } catch (LinkFreePath.LinkInPathException e) {
                    throw new ArtifactException(root + ": symbolic link '" + relative + "' leads through another"
                            + " link (" + root.relativize(e.link()) + "); only links to files inside the artifact"
                            + " are stored");
                }
                if (attributes == null) {
                    throw new ArtifactException(root + ": symbolic link '" + relative + "' is dangling (to "
                            + text + ")");
                }
                if (attributes.isRegularFile()) {
                    files.add(new File(host, relative, attributes.size()));
                    bytes += attributes.size();
                    return;
                }
                if (!attributes.isSymbolicLink()) {
                    throw new ArtifactException(root + ": symbolic link '" + relative + "' points at a directory"
                            + " or a special file (" + text + "); only links to files inside the artifact are"
                            + " stored");
                }
                at = target;
            }
            throw new ArtifactException(root + ": symbolic link '" + relative + "' passes through more than "
                    + MAX_LINKS + " links");
        }

        /** Where a link's relative text leads, as a name inside the output, or null when it leaves it. */
        private static String inside(String link, Path text) {
            if (text.isAbsolute()) {
                return null;
            }
            int slash = link.lastIndexOf('/');
            List<String> parts = new ArrayList<>(slash < 0 ? List.of() : List.of(link.substring(0, slash).split("/")));
            for (Path segment : text) {
                String s = segment.toString();
                if (s.equals("..")) {
                    if (parts.isEmpty()) {
                        return null;
                    }
                    parts.remove(parts.size() - 1);
                } else if (!s.equals(".") && !s.isEmpty()) {
                    parts.add(s);
                }
            }
            return parts.isEmpty() ? null : String.join("/", parts);
        }
    }
}
