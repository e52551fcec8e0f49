package io.onepanel.workflow.artifact.archive;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.files.BoundedInput;
import io.onepanel.workflow.artifact.files.SafePaths;
import io.onepanel.workflow.artifact.files.SourceTree;
import io.onepanel.workflow.artifact.files.StagedTarget;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * tar+gzip archives laid out as Argo's executor makes them ({@code util/archive}): one top entry
 * named after the archived file or directory. Unpacking follows Argo's {@code unpack}: a single top
 * entry becomes the target itself, several become the target directory's content.
 *
 * <p>Unpacking is hostile-proof: absolute names, {@code ..} segments, links whose target leaves the
 * directory, and entries written through such links are refused. Everything streams; nothing is held
 * in memory beyond a buffer.
 */
public final class TarGz {

    private static final int BUFFER = 64 * 1024;

    private TarGz() {}

    /**
     * Archives {@code source} (a file or a directory) into {@code archive}.
     *
     * @param compressionLevel 0-9, or null for gzip's default (as Argo)
     */
    public static void pack(Path source, Path archive, Integer compressionLevel) throws ArtifactException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(archive), BUFFER)) {
            pack(source, out, compressionLevel);
        } catch (IOException e) {
            throw new ArtifactException("cannot archive " + source + ": " + e.getMessage(), e);
        }
    }

    /**
     * Archives what {@link SourceTree#scan} finds at {@code source}: no link on its path is
     * followed, and a link inside it is archived as the file it names inside the output.
     */
    public static void pack(Path source, OutputStream out, Integer compressionLevel) throws IOException, ArtifactException {
        GzipParameters parameters = new GzipParameters();
        parameters.setCompressionLevel(compressionLevel == null ? Deflater.DEFAULT_COMPRESSION : compressionLevel);
        SourceTree tree = SourceTree.scan(source);
        if (tree == null) {
            throw new ArtifactException("cannot archive " + source + ": nothing is there");
        }
        String top = tree.root().getFileName().toString();
        try (GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(out, parameters);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip, BUFFER)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (String directory : tree.directories()) {
                Path dir = directory.isEmpty() ? tree.root() : tree.root().resolve(directory);
                TarArchiveEntry entry = new TarArchiveEntry(name(directory, top) + "/");
                entry.setMode(040000 | mode(dir, 0755));
                entry.setModTime(Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS));
                tar.putArchiveEntry(entry);
                tar.closeArchiveEntry();
            }
            for (SourceTree.File file : tree.files()) {
                addFile(tar, file, name(file.relative(), top));
            }
            tar.finish();
        }
    }

    private static void addFile(TarArchiveOutputStream tar, SourceTree.File file, String name) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(file.size());
        entry.setMode(0100000 | mode(file.path(), 0644));
        entry.setModTime(Files.getLastModifiedTime(file.path(), LinkOption.NOFOLLOW_LINKS));
        tar.putArchiveEntry(entry);
        try (InputStream in = file.open()) {
            // Exactly the size the entry declares, whatever the file became since it was scanned.
            long copied = new BoundedInput(in, file.size()).transferTo(tar);
            if (copied != file.size()) {
                throw new IOException(file.path() + " shrank from " + file.size() + " to " + copied
                        + " bytes while it was archived");
            }
        }
        tar.closeArchiveEntry();
    }

    private static String name(String relative, String top) {
        return relative.isEmpty() ? top : top + "/" + relative;
    }

    private static int mode(Path p, int fallback) {
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return fallback;
        }
        try {
            return StagedTarget.mode(view.readAttributes().permissions());
        } catch (IOException e) {
            return fallback;
        }
    }

    /**
     * What a fetched single object becomes: unpacked when it is a tar.gz and the input does not say
     * {@code archive: none} (Argo's executor sniffs the same way), else the file itself.
     */
    public static Path unpackUnlessNone(io.onepanel.workflow.template.Artifact input, Path file, Path scratch)
            throws ArtifactException {
        boolean none = input.archive() != null
                && input.archive().kind() == io.onepanel.workflow.template.ArchiveStrategy.Kind.NONE;
        if (!none && isTarGz(file)) {
            return unpack(file, scratch.resolve("unpacked"));
        }
        return file;
    }

    /** Whether {@code file} is a gzip stream holding a tar archive (Argo sniffs the same way). */
    public static boolean isTarGz(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER)) {
            in.mark(2);
            if (in.read() != 0x1f || in.read() != 0x8b) {
                return false;
            }
            in.reset();
            try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in, true))) {
                return tar.getNextEntry() != null;
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Unpacks {@code archive} into a new directory {@code into} (which must not exist) and returns
     * what should become the target: the single top entry, or {@code into} itself when there are
     * several (Argo's rule).
     *
     * @throws ArtifactException a hostile or corrupt entry, naming it
     */
    public static Path unpack(Path archive, Path into) throws ArtifactException {
        try {
            Files.createDirectory(into);
            Path root = into.toRealPath();
            try (InputStream in = new BufferedInputStream(Files.newInputStream(archive), BUFFER);
                    TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in, true))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    extract(tar, entry, root);
                }
            }
            checkLinks(root);
            try (DirectoryStream<Path> top = Files.newDirectoryStream(root)) {
                List<Path> entries = new ArrayList<>();
                top.forEach(entries::add);
                return entries.size() == 1 ? entries.get(0) : root;
            }
        } catch (IOException e) {
            throw new ArtifactException("cannot unpack archive: " + e.getMessage(), e);
        }
    }

    /** After unpacking, every symbolic link must still resolve inside the root (links can chain). */
    private static void checkLinks(Path root) throws IOException, ArtifactException {
        List<String> escaping = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isSymbolicLink()) {
                    Path real = Files.exists(file)
                            ? file.toRealPath()
                            : file.getParent().toRealPath().resolve(Files.readSymbolicLink(file)).normalize();
                    if (!real.startsWith(root)) {
                        escaping.add(root.relativize(file).toString());
                        return FileVisitResult.TERMINATE;
                    }
                }
                return FileVisitResult.CONTINUE;
            }
        });
        if (!escaping.isEmpty()) {
            throw new ArtifactException("refusing entry '" + escaping.get(0)
                    + "': symbolic link points outside the target directory");
        }
    }

    private static void extract(TarArchiveInputStream tar, TarArchiveEntry entry, Path root)
            throws IOException, ArtifactException {
        String name = entry.getName();
        String clean = name;
        while (clean.startsWith("./")) {
            clean = clean.substring(2);
        }
        if (clean.isEmpty() || clean.equals(".")) {
            return;
        }
        if (entry.isDirectory()) {
            Path dir = SafePaths.resolve(root, clean);
            Files.createDirectories(dir);
            SafePaths.checkParents(root, dir.resolve("x"), name);
            return;
        }
        Path path = SafePaths.resolve(root, clean);
        Files.createDirectories(path.getParent());
        SafePaths.checkParents(root, path, name);
        if (entry.isSymbolicLink()) {
            String link = entry.getLinkName();
            Path linkPath = path.getFileSystem().getPath(link);
            if (linkPath.isAbsolute() || !path.getParent().toRealPath().resolve(linkPath).normalize().startsWith(root)) {
                throw new ArtifactException("refusing entry '" + name + "': symbolic link to '" + link
                        + "' points outside the target directory");
            }
            Files.deleteIfExists(path);
            Files.createSymbolicLink(path, linkPath);
        } else if (entry.isLink()) {
            Path source = SafePaths.resolve(root, entry.getLinkName());
            if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
                throw new ArtifactException("refusing entry '" + name + "': hard link to '" + entry.getLinkName()
                        + "', which is not a file in the archive");
            }
            Files.deleteIfExists(path);
            Files.copy(source, path);
        } else if (entry.isFile()) {
            Files.deleteIfExists(path);
            try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                tar.transferTo(out);
            }
            int mode = entry.getMode() & 0777;
            if (mode != 0 && Files.getFileAttributeView(path, PosixFileAttributeView.class) != null) {
                Files.setPosixFilePermissions(path, StagedTarget.permissions(mode | 0400));
            }
        } else {
            throw new ArtifactException("refusing entry '" + name + "': devices, pipes and other special files are not unpacked");
        }
    }
}
