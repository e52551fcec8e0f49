package io.onepanel.workflow.runtime.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The bind mounts that give one attempt its own view of the file system, and where each path the
 * template declares is on this machine. Built by {@link MountPlanner}; read by the setup script
 * (which performs the mounts in order) and by output collection (which reads from
 * {@link #locate}).
 *
 * <p>Order matters: a mount's target may lie inside an earlier mount, never the other way round.
 */
final class MountPlan {

    /**
     * One bind mount inside the attempt's namespace.
     *
     * @param target where it appears inside the namespace
     * @param source what is mounted there, a path on this machine
     * @param directory a directory (else a single file)
     * @param readOnly remounted read-only after binding
     * @param privateToAttempt the source belongs to this attempt alone (else it is a run-shared
     *     volume or a host path)
     * @param overlayWork for an overlay mount (the target's own contents below, {@code source} as the
     *     writable layer), overlayfs' work directory; null for a bind mount
     * @param machineOwn the machine's own directory bound back at its own path (with what is mounted
     *     below it), inside a private directory that would hide it; paths below it are the
     *     machine's, as if this mount were not there
     */
    record Mount(ContainerPath target, Path source, boolean directory, boolean readOnly, boolean privateToAttempt,
            Path overlayWork, boolean machineOwn) {

        Mount(ContainerPath target, Path source, boolean directory, boolean readOnly, boolean privateToAttempt) {
            this(target, source, directory, readOnly, privateToAttempt, null, false);
        }

        Mount(ContainerPath target, Path source, boolean directory, boolean readOnly, boolean privateToAttempt,
                Path overlayWork) {
            this(target, source, directory, readOnly, privateToAttempt, overlayWork, false);
        }

        /** The machine's directory {@code path}, seen again at its own path. */
        static Mount machineOwn(ContainerPath path) {
            return new Mount(path, path.onHost(), true, false, false, null, true);
        }

        boolean isOverlay() {
            return overlayWork != null;
        }
    }

    /**
     * Where a container path's bytes are on this machine, and whether only this attempt sees them.
     *
     * @param mountSource what the mount covering the path binds there ({@code host} itself, or a
     *     directory above it); everything between the two is the task's own
     */
    record Location(Path host, boolean privateToAttempt, Path mountSource) {}

    private final List<Mount> mounts = new ArrayList<>();

    /** In the order to mount them: outermost first (a stable sort), so no mount hides a later one. */
    List<Mount> mounts() {
        List<Mount> ordered = new ArrayList<>(mounts);
        ordered.sort(java.util.Comparator.comparingInt(m -> m.target().depth()));
        return List.copyOf(ordered);
    }

    void add(Mount mount) {
        mounts.add(mount);
    }

    /**
     * Where {@code path} is on this machine as the task sees it: inside the innermost mount that
     * covers it, or null when no mount does or the innermost is the machine's own directory bound
     * back (the path is the machine's own).
     */
    Location locate(ContainerPath path) {
        Mount best = null;
        for (Mount mount : mounts) {
            boolean covers = mount.directory() ? path.isWithin(mount.target()) : path.equals(mount.target());
            if (covers && (best == null || mount.target().depth() >= best.target().depth())) {
                best = mount;
            }
        }
        if (best == null || best.machineOwn()) {
            return null;
        }
        Path host = best.directory() ? resolve(best.source(), path.relativeTo(best.target())) : best.source();
        return new Location(host, best.privateToAttempt(), best.source());
    }

    private static Path resolve(Path base, String relative) {
        return relative.isEmpty() ? base : base.resolve(relative);
    }

    /** Whether an existing file or directory is of the kind a mount needs. */
    static boolean isKind(Path path, boolean directory) {
        return directory ? Files.isDirectory(path) : Files.isRegularFile(path);
    }

    /** Creates {@code path} (and its missing parents) as an empty directory or file if absent. */
    static void createIfAbsent(Path path, boolean directory) throws IOException {
        if (Files.exists(path)) {
            return;
        }
        Files.createDirectories(path.getParent());
        if (directory) {
            Files.createDirectories(path);
        } else {
            Files.createFile(path);
        }
    }
}
