package io.onepanel.workflow.testbed;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The empty directories and files the test bed made on this machine so that a volume can be bound
 * at a path that is not here ({@code /mnt/data}, {@code /dev/termination-log}): a real container
 * runtime makes them inside the image's root file system; the test bed runs on the machine's own,
 * so it makes them there, remembers them, and removes them on close (only while still empty and
 * not a mount point in any namespace: another test bed on this machine may use the same path).
 */
final class HostMountPoints {

    private final Set<Path> created = new LinkedHashSet<>();

    /** Makes {@code path} (and any missing parent) exist: a directory, or an empty file. */
    synchronized void ensure(Path path, boolean directory) throws IOException {
        if (Files.exists(path)) {
            return;
        }
        Path parent = path.getParent();
        if (parent != null && !Files.exists(parent)) {
            ensure(parent, true);
        }
        try {
            if (directory) {
                Files.createDirectory(path);
            } else {
                Files.createFile(path);
            }
            created.add(path);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // made meanwhile by someone else (another test bed): theirs to remove
        }
    }

    /** Removes what {@link #ensure} made, deepest first; returns what had to stay, with why. */
    synchronized List<String> removeAll() {
        List<String> kept = new ArrayList<>();
        List<Path> paths = new ArrayList<>(created);
        paths.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        Set<String> mounted = mountPointsInAnyNamespace();
        for (Path p : paths) {
            if (mounted.contains(p.toString()) || mounted.contains(real(p))) {
                kept.add(p + " (a mount point in another process)");
                continue;
            }
            try {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.size(p) > 0) {
                    kept.add(p + " (not empty)");
                    continue;
                }
                Files.deleteIfExists(p);
            } catch (DirectoryNotEmptyException e) {
                kept.add(p + " (not empty)");
            } catch (IOException e) {
                kept.add(p + " (" + e.getMessage() + ")");
            }
        }
        created.clear();
        return kept;
    }

    /** {@code /var/run/x} is {@code /run/x} in mountinfo. */
    private static String real(Path p) {
        try {
            return p.toRealPath().toString();
        } catch (IOException e) {
            return p.toString();
        }
    }

    private static Set<String> mountPointsInAnyNamespace() {
        Set<String> points = new java.util.HashSet<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) processes::iterator) {
                if (!proc.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    for (String line : Files.readAllLines(proc.resolve("mountinfo"))) {
                        String[] fields = line.split(" ");
                        if (fields.length > 4) {
                            points.add(unescape(fields[4]));
                        }
                    }
                } catch (IOException | SecurityException e) {
                    // the process ended meanwhile
                }
            }
        } catch (IOException e) {
            // no /proc: nothing can be mounted through the test bed either
        }
        return points;
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes. */
    private static String unescape(String field) {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
