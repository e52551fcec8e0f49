package io.onepanel.workflow.artifact.directory;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.ArtifactRepository;
import io.onepanel.workflow.artifact.ArtifactStore;
import io.onepanel.workflow.artifact.ObjectKeys;
import io.onepanel.workflow.artifact.ProgressMeter;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.artifact.archive.TarGz;
import io.onepanel.workflow.artifact.files.BoundedInput;
import io.onepanel.workflow.artifact.files.OwnedDirectory;
import io.onepanel.workflow.artifact.files.SafePaths;
import io.onepanel.workflow.artifact.files.SourceTree;
import io.onepanel.workflow.artifact.files.StagedTarget;
import io.onepanel.workflow.template.ArchiveStrategy;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.S3Source;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The embedded default repository: a local directory stands in for an S3 endpoint, with the layout
 * {@code root/bucket/key}. Keys mean what they mean in S3: a key that names one object is a file, a
 * key that is a prefix is a directory tree. Archived outputs are one {@code .tgz} file that fetch
 * unpacks. Keys and buckets that would leave the root ({@code ..}, absolute, through a symbolic link)
 * are refused. Stores write under {@code root/.staging} and rename into place.
 */
public final class DirectoryArtifactStore implements ArtifactStore {

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    private final Path root;
    private final ArtifactRepository repository;

    public DirectoryArtifactStore(Path root, ArtifactRepository repository) {
        this.root = root.toAbsolutePath().normalize();
        this.repository = repository;
    }

    public Path root() {
        return root;
    }

    public ArtifactRepository repository() {
        return repository;
    }

    /** Where {@code bucket/key} lives on disk (checked, not necessarily existing). */
    public Path pathOf(String bucket, String key) throws ArtifactException {
        return SafePaths.resolve(bucketDirectory(bucket), ObjectKeys.check(key));
    }

    @Override
    public Artifact locate(Artifact output, Map<String, String> variables) {
        return repository.locate(output, variables);
    }

    @Override
    public void fetch(Artifact input, Path target, TransferListener listener) throws ArtifactException {
        Location at = location(input);
        Path bucketDir = existingBucket(at.bucket);
        Path object = SafePaths.resolve(bucketDir, at.key);
        if (!Files.exists(object, LinkOption.NOFOLLOW_LINKS)) {
            if (input.optional()) {
                return;
            }
            throw new ArtifactException("artifact '" + input.name() + "': no object or prefix '" + at.key
                    + "' in bucket '" + at.bucket + "' (" + bucketDir + ")");
        }
        try {
            // The repository's own files are read link-free from their resolved path, as a task's are.
            Path real = object.toRealPath();
            if (!real.startsWith(bucketDir.toRealPath())) {
                throw new ArtifactException("refusing key '" + at.key + "': a symbolic link leads it out of bucket '"
                        + at.bucket + "'");
            }
            object = real;
        } catch (IOException e) {
            throw new ArtifactException("cannot read key '" + at.key + "' in bucket '" + at.bucket + "': " + e.getMessage(), e);
        }
        try (StagedTarget staged = StagedTarget.create(target)) {
            if (Files.isRegularFile(object, LinkOption.NOFOLLOW_LINKS)) {
                long size = Files.size(object);
                ProgressMeter meter = new ProgressMeter(listener, input.name(), size, 1);
                meter.start();
                Path file = staged.scratch().resolve("object");
                Files.copy(object, file);
                meter.fileDone(size);
                staged.commit(TarGz.unpackUnlessNone(input, file, staged.scratch()), input.mode());
            } else if (Files.isDirectory(object, LinkOption.NOFOLLOW_LINKS)) {
                copyTree(input.name(), bucketDir, object, staged.content(), listener);
                staged.commit(staged.content(), input.mode());
            } else {
                throw new ArtifactException("refusing key '" + at.key + "' in bucket '" + at.bucket
                        + "': not a file or directory");
            }
        } catch (IOException e) {
            throw new ArtifactException("artifact '" + input.name() + "': cannot fetch '" + at.key + "' from bucket '"
                    + at.bucket + "': " + describe(e), e);
        }
    }

    private static void copyTree(String artifact, Path bucketDir, Path from, Path to, TransferListener listener)
            throws IOException, ArtifactException {
        SourceTree tree = SourceTree.scan(from);
        Path realBucket = bucketDir.toRealPath();
        if (tree == null) {
            throw new ArtifactException("artifact '" + artifact + "': " + from + " vanished while it was read");
        }
        ProgressMeter meter = new ProgressMeter(listener, artifact, tree.bytes(), tree.fileCount());
        meter.start();
        Files.createDirectories(to);
        for (String dir : tree.emptyDirectories()) {
            Files.createDirectories(dir.isEmpty() ? to : to.resolve(dir));
        }
        for (SourceTree.File f : tree.files()) {
            if (!f.path().startsWith(realBucket)) {
                throw new ArtifactException("refusing '" + f.relative() + "': a symbolic link leads out of the bucket");
            }
            Path dest = SafePaths.resolve(to, f.relative());
            Files.createDirectories(dest.getParent());
            try (InputStream in = f.open()) {
                Files.copy(new BoundedInput(in, f.size()), dest);
            }
            meter.fileDone(f.size());
        }
    }

    @Override
    public Artifact store(Artifact output, Path source, TransferListener listener) throws ArtifactException {
        Location at = location(output);
        SourceTree tree = SourceTree.scan(source);
        if (tree == null) {
            if (output.optional()) {
                return null;
            }
            throw new ArtifactException("artifact '" + output.name() + "': nothing at " + source + " to store");
        }
        ArchiveStrategy archive = repository.archiveOf(output);
        Path bucketDir = bucketDirectory(at.bucket);
        try {
            // A fresh checkout has no artifact directory yet: the store makes its root and bucket.
            Files.createDirectories(bucketDir);
        } catch (IOException e) {
            throw new ArtifactException("artifact '" + output.name() + "': cannot create the artifact directory "
                    + bucketDir + ": " + describe(e), e);
        }
        Path finalPath = SafePaths.resolve(bucketDir, at.key);
        Path staging = null;
        OwnedDirectory ownership = null;
        try {
            Files.createDirectories(root.resolve(".staging"));
            staging = Files.createTempDirectory(root.resolve(".staging"), "store-");
            ownership = OwnedDirectory.claim(staging); // a store killed midway leaves it to removeLeftovers
            Path content = staging.resolve("content");
            switch (archive.kind()) {
                case TAR -> {
                    ProgressMeter meter = new ProgressMeter(listener, output.name(), tree.bytes(), 1);
                    meter.start();
                    TarGz.pack(source, content, archive.compressionLevel());
                    meter.fileDone(tree.bytes());
                }
                case NONE -> {
                    if (tree.directory()) {
                        copyTree(output.name(), tree.root(), tree.root(), content, listener);
                    } else {
                        ProgressMeter meter = new ProgressMeter(listener, output.name(), tree.bytes(), 1);
                        meter.start();
                        try (InputStream in = tree.files().get(0).open()) {
                            Files.copy(new BoundedInput(in, tree.bytes()), content);
                        }
                        meter.fileDone(tree.bytes());
                    }
                }
                case ZIP -> throw new ArtifactException("artifact '" + output.name()
                        + "': zip archives are not supported; use tar or none");
            }
            Files.createDirectories(finalPath.getParent());
            SafePaths.checkParents(bucketDir, finalPath, at.key);
            replace(content, finalPath, staging.resolve("previous"));
            return ArtifactRepository.withArchive(output, archive);
        } catch (IOException e) {
            throw new ArtifactException("artifact '" + output.name() + "': cannot store under '" + at.key
                    + "' in bucket '" + at.bucket + "': " + describe(e), e);
        } finally {
            StagedTarget.deleteTree(staging);
            if (ownership != null) {
                ownership.close();
            }
        }
    }

    /**
     * Removes the staging directories of stores whose process died midway (a SIGKILL): those in
     * {@code root/.staging} whose lock no living process holds.
     */
    public OwnedDirectory.Removed removeLeftovers() {
        return OwnedDirectory.removeAbandoned(root.resolve(".staging"), directory -> true);
    }

    /** Moves {@code content} to {@code target} by rename; whatever was there is moved aside first. */
    private static void replace(Path content, Path target, Path aside) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            move(target, aside);
        }
        try {
            move(content, target);
        } catch (IOException e) {
            if (Files.exists(aside, LinkOption.NOFOLLOW_LINKS)) {
                move(aside, target);
            }
            throw e;
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /** Every key under {@code prefix} (files only, '/'-separated, sorted), for tests and tools. */
    public List<String> list(String bucket, String prefix) throws ArtifactException {
        Path bucketDir = bucketDirectory(bucket);
        Path start = prefix.isEmpty() ? bucketDir : SafePaths.resolve(bucketDir, prefix);
        List<String> keys = new ArrayList<>();
        if (!Files.exists(start)) {
            return keys;
        }
        try {
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    keys.add(bucketDir.relativize(file).toString().replace(java.io.File.separatorChar, '/'));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new ArtifactException("cannot list bucket '" + bucket + "': " + e.getMessage(), e);
        }
        keys.sort(null);
        return keys;
    }

    private record Location(String bucket, String key) {}

    private Location location(Artifact artifact) throws ArtifactException {
        S3Source s3 = artifact.s3();
        if (s3 == null || s3.key() == null || s3.key().isBlank()) {
            throw new ArtifactException("artifact '" + artifact.name() + "' has no key; outputs must be located first");
        }
        if (s3.endpoint() != null && !s3.endpoint().isBlank()) {
            throw new ArtifactException("artifact '" + artifact.name() + "' names endpoint '" + s3.endpoint()
                    + "', but artifacts are kept in the local directory " + root + "; configure an S3 repository");
        }
        String bucket = s3.bucket() != null ? s3.bucket() : repository.bucket();
        String key = ObjectKeys.check(s3.key());
        if (artifact.subPath() != null && !artifact.subPath().isBlank()) {
            key = ObjectKeys.check(ObjectKeys.join(key, artifact.subPath()));
        }
        return new Location(bucket, key);
    }

    /** What went wrong with a file, in words: Java's file exceptions carry only a path as their message. */
    static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException n) {
            return "no such file or directory: " + n.getFile();
        } else if (e instanceof java.nio.file.AccessDeniedException a) {
            return "permission denied: " + a.getFile();
        } else if (e instanceof java.nio.file.FileAlreadyExistsException f) {
            return "a file is in the way: " + f.getFile();
        } else if (e instanceof java.nio.file.NotDirectoryException d) {
            return "not a directory: " + d.getFile();
        } else if (e instanceof java.nio.file.DirectoryNotEmptyException d) {
            return "directory not empty: " + d.getFile();
        } else if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason() + ": " + f.getFile();
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private Path bucketDirectory(String bucket) throws ArtifactException {
        if (bucket == null) {
            throw new ArtifactException("no bucket: the artifact names none and the repository has no default");
        }
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw new ArtifactException("invalid bucket name '" + bucket + "'");
        }
        return root.resolve(bucket);
    }

    private Path existingBucket(String bucket) throws ArtifactException {
        Path dir = bucketDirectory(bucket);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new ArtifactException("bucket '" + bucket + "' does not exist (no directory " + dir + ")");
        }
        return dir;
    }
}
