package io.onepanel.workflow.artifact.files;

import io.onepanel.workflow.artifact.ArtifactException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * What an output is made of, read once before uploading: the regular files with their sizes and
 * relative names, and the empty directories. A symbolic link is stored as the file it points to when
 * that file is inside the output; a link that leaves the output (or points at a directory) is an
 * error, so an output can never carry files from elsewhere on the machine.
 *
 * @param directory whether the source is a directory (else a single file)
 * @param files for a directory: every file, relative names with '/'; for a file: one entry, name ""
 * @param emptyDirectories relative names of directories with nothing in them ("" for an empty root)
 */
public record SourceTree(Path root, boolean directory, List<File> files, List<String> emptyDirectories, long bytes) {

    public record File(Path path, String relative, long size) {}

    public SourceTree {
        files = List.copyOf(files);
        emptyDirectories = List.copyOf(emptyDirectories);
    }

    public int fileCount() {
        return files.size();
    }

    /** @return null when nothing exists at {@code source} */
    public static SourceTree scan(Path source) throws ArtifactException {
        if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try {
            Path root = source.toRealPath();
            if (Files.isRegularFile(root)) {
                return new SourceTree(root, false, List.of(new File(root, "", Files.size(root))), List.of(),
                        Files.size(root));
            }
            if (!Files.isDirectory(root)) {
                throw new ArtifactException(source + " is neither a file nor a directory");
            }
            List<File> files = new ArrayList<>();
            List<String> empty = new ArrayList<>();
            long[] bytes = {0};
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    try (var children = Files.list(dir)) {
                        if (children.findAny().isEmpty()) {
                            empty.add(relative(root, dir));
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    String rel = relative(root, file);
                    if (attrs.isSymbolicLink()) {
                        Path real;
                        try {
                            real = file.toRealPath();
                        } catch (IOException e) {
                            throw new UncheckedArtifact("symbolic link '" + rel + "' is dangling");
                        }
                        if (!real.startsWith(root) || !Files.isRegularFile(real)) {
                            throw new UncheckedArtifact("symbolic link '" + rel
                                    + "' points outside the artifact or at a directory; only links to files inside it are stored");
                        }
                        long size = Files.size(real);
                        files.add(new File(real, rel, size));
                        bytes[0] += size;
                    } else if (attrs.isRegularFile()) {
                        files.add(new File(file, rel, attrs.size()));
                        bytes[0] += attrs.size();
                    } else {
                        throw new UncheckedArtifact("'" + rel + "' is not a regular file");
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
            return new SourceTree(root, true, files, empty, bytes[0]);
        } catch (UncheckedArtifact e) {
            throw new ArtifactException(source + ": " + e.getMessage());
        } catch (IOException e) {
            throw new ArtifactException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    private static String relative(Path root, Path p) {
        return root.relativize(p).toString().replace(java.io.File.separatorChar, '/');
    }

    private static final class UncheckedArtifact extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UncheckedArtifact(String message) {
            super(message, null, false, false);
        }
    }
}
