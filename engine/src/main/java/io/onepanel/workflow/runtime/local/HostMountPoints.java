package io.onepanel.workflow.runtime.local;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The empty directories and files this runtime created on the machine so that a task's private
 * directory can be mounted at a path that did not exist here ({@code /mnt/output} on a laptop).
 * They stay while any run that used them is going (parallel tasks mount over the same point, each
 * in its own namespace) and are removed when the last such run finishes, only if still empty (a
 * mount point never holds data, every write lands in the task's private directory) and not a
 * mount point in any namespace (another runtime's task may be using it).
 *
 * <p>Callers hold this object's monitor (see {@link #lock()}) while they look at and create mount
 * points, so that two attempts planning at once agree on what exists.
 */
final class HostMountPoints {

    private final Map<Path, Set<String>> users = new HashMap<>();

    /** A file system mounted on this machine. */
    record HostMount(Path path, boolean readOnly) {}

    /**
     * The file systems mounted strictly below {@code directory}, outermost first: an overlay of the
     * directory would hide them, so they are bound again on top of it. Null when mountinfo cannot
     * be read (then nothing is overlaid).
     */
    List<HostMount> mountsBelow(Path directory) {
        String prefix = directory.toString().endsWith("/") ? directory.toString() : directory + "/";
        List<HostMount> below = new java.util.ArrayList<>();
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] fields = line.split(" ");
                if (fields.length > 5 && unescape(fields[4]).startsWith(prefix)) {
                    boolean readOnly = java.util.Arrays.asList(fields[5].split(",")).contains("ro");
                    below.add(new HostMount(Path.of(unescape(fields[4])), readOnly));
                }
            }
        } catch (IOException e) {
            return null;
        }
        below.sort(java.util.Comparator.comparingInt(m -> m.path().getNameCount()));
        return below;
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes. */
    private static String unescape(String field) {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n")
                .replace("\\134", "\\");
    }

    Object lock() {
        return this;
    }

    /** Creates {@code path} (whose parent exists) as an empty directory or file for {@code run}. */
    void create(Path path, boolean directory, String run) throws IOException {
        assert Thread.holdsLock(this);
        if (directory) {
            Files.createDirectory(path);
        } else {
            Files.createFile(path);
        }
        users.put(path, new HashSet<>());
        use(path, run);
    }

    /**
     * Notes that {@code run} mounts at {@code path}: every mount point this runtime created at or
     * above it must stay until the run finishes.
     */
    void use(Path path, String run) {
        assert Thread.holdsLock(this);
        users.forEach((created, runs) -> {
            if (path.startsWith(created)) {
                runs.add(run);
            }
        });
    }

    /**
     * The run is over: removes the mount points no other run uses, deepest first. One that a task
     * of another runtime still mounts over is kept and tried again at the next release.
     */
    synchronized void release(String run) {
        users.values().forEach(runs -> runs.remove(run));
        removeUnused();
    }

    /** The runtime is closing: removes every mount point no task on this machine still mounts over. */
    synchronized void releaseAll() {
        users.values().forEach(Set::clear);
        removeUnused();
    }

    private void removeUnused() {
        List<Path> unused = new ArrayList<>();
        users.forEach((created, runs) -> {
            if (runs.isEmpty()) {
                unused.add(created);
            }
        });
        unused.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path path : unused) {
            boolean keptBelow = users.keySet().stream().anyMatch(p -> !p.equals(path) && p.startsWith(path));
            if (!keptBelow && !MountTable.mountedInAnyNamespace(path)) {
                users.remove(path);
                removeIfEmpty(path);
            }
        }
    }

    private static void removeIfEmpty(Path path) {
        try {
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
                    || (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) && Files.size(path) == 0)) {
                Files.delete(path);
            }
        } catch (DirectoryNotEmptyException | NoSuchFileException e) {
            // Someone put something there, or removed it already: leave it.
        } catch (IOException e) {
            // Best effort: a mount point left behind is empty and harmless.
        }
    }
}
