package io.onepanel.workflow.runtime.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What the kernel says is mounted where ({@code /proc/<pid>/mountinfo}). */
final class MountTable {

    private MountTable() {}

    /**
     * Whether anything is mounted at or below {@code root} in this JVM's mount namespace. Task
     * mounts live in the tasks' own namespaces; this guards a recursive delete against ever walking
     * into a mounted volume.
     */
    static boolean anyAtOrBelow(Path root) throws IOException {
        Path real = root.toRealPath();
        for (String mountPoint : mountPoints(Path.of("/proc/self/mountinfo"))) {
            if (Path.of(mountPoint).startsWith(real)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code path} is a mount point in any mount namespace on this machine, as far as this
     * process may look. Removing a directory that is a mount point in another namespace succeeds
     * and silently unmounts it there (Linux 3.18 and later), which would pull a running task's
     * private directory away; so a mount point still in use by a task of another runtime (another
     * JVM, or another runtime in this one) must be left in place.
     */
    static boolean mountedInAnyNamespace(Path path) {
        String wanted = path.toAbsolutePath().normalize().toString();
        Set<String> namespaces = new HashSet<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"),
                p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path process : processes) {
                String namespace;
                try {
                    namespace = Files.readSymbolicLink(process.resolve("ns/mnt")).toString();
                } catch (IOException | UnsupportedOperationException e) {
                    continue; // gone, or not ours to look at
                }
                if (!namespaces.add(namespace)) {
                    continue;
                }
                try {
                    if (mountPoints(process.resolve("mountinfo")).contains(wanted)) {
                        return true;
                    }
                } catch (IOException e) {
                    // The process ended meanwhile.
                }
            }
        } catch (IOException e) {
            return true; // Cannot tell: keep the directory.
        }
        return false;
    }

    private static List<String> mountPoints(Path mountinfo) throws IOException {
        return Files.readAllLines(mountinfo).stream()
                .map(line -> line.split(" "))
                .filter(fields -> fields.length > 4)
                .map(fields -> unescape(fields[4]))
                .toList();
    }

    /** mountinfo writes space, tab, newline and backslash as three octal digits after a backslash. */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
