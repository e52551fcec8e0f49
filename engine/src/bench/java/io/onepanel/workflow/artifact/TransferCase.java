package io.onepanel.workflow.artifact;

import io.onepanel.workflow.artifact.files.StagedTarget;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * One transfer the S3 benchmark times: a file of {@code bytes}, or {@code files} files of
 * {@code bytes} each in ten directories, going up or down.
 *
 * @param name the data's name: a file name, or a directory of small files
 */
record TransferCase(String label, String name, int files, long bytes, boolean up) {

    static final List<TransferCase> ALL = List.of(
            new TransferCase("128 MiB up", "large.bin", 1, 128L << 20, true),
            new TransferCase("128 MiB down", "large.bin", 1, 128L << 20, false),
            new TransferCase("1 GiB up", "huge.bin", 1, 1L << 30, true),
            new TransferCase("1 GiB down", "huge.bin", 1, 1L << 30, false),
            new TransferCase("1,000 x 10 KiB up", "small", 1000, 10 * 1024, true),
            new TransferCase("1,000 x 10 KiB down", "small", 1000, 10 * 1024, false));

    boolean single() {
        return files == 1;
    }

    long totalBytes() {
        return files * bytes;
    }

    /** The seed object(s) downloads read, as a key below the bucket. */
    String seedKey() {
        return "seed/" + name;
    }

    /** Where this case's upload by {@code tool} in {@code round} goes. */
    String upKey(String tool, int round) {
        return "up/" + tool + "-" + round + "/" + name;
    }

    String rate(double seconds) {
        return single() ? String.format(Locale.ROOT, "%.1f MiB/s", totalBytes() / 1048576.0 / seconds)
                : String.format(Locale.ROOT, "%.0f files/s", files / seconds);
    }

    /** Writes the data of every case below {@code dir} (random bytes, so nothing compresses). */
    static void writeAll(Path dir) throws IOException {
        Random random = new Random(42);
        for (TransferCase c : ALL) {
            Path at = dir.resolve(c.name);
            if (Files.exists(at)) {
                continue;
            }
            if (c.single()) {
                Files.createDirectories(dir);
                byte[] chunk = new byte[1 << 20];
                try (OutputStream out = Files.newOutputStream(at)) {
                    for (long left = c.bytes; left > 0; left -= chunk.length) {
                        random.nextBytes(chunk);
                        out.write(chunk);
                    }
                }
            } else {
                byte[] file = new byte[(int) c.bytes];
                for (int i = 0; i < c.files; i++) {
                    random.nextBytes(file);
                    Path p = at.resolve("d" + (i % 10) + "/f" + i + ".bin");
                    Files.createDirectories(p.getParent());
                    Files.write(p, file);
                }
            }
        }
    }

    /** Fails unless {@code fetched} holds exactly this case's files and bytes. */
    void check(Path fetched) throws IOException {
        long bytesSeen = 0;
        long filesSeen;
        try (Stream<Path> s = Files.walk(fetched)) {
            List<Path> regular = s.filter(Files::isRegularFile).toList();
            filesSeen = regular.size();
            for (Path p : regular) {
                bytesSeen += Files.size(p);
            }
        }
        if (bytesSeen != totalBytes() || filesSeen != files) {
            throw new IllegalStateException(label + ": fetched " + filesSeen + " files, " + bytesSeen + " bytes into "
                    + fetched);
        }
    }

    /** Hard links of this case's data at {@code target} (a task's files, without copying them). */
    void link(Path data, Path target) throws IOException {
        Path from = data.resolve(name);
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path to = target.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.createDirectories(to.getParent());
                    Files.createLink(to, p);
                }
            }
        }
    }

    static void delete(Path path) {
        StagedTarget.deleteTree(path);
    }
}
