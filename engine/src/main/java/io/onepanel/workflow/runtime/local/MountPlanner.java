package io.onepanel.workflow.runtime.local;

import io.onepanel.workflow.runtime.local.MountPlan.Location;
import io.onepanel.workflow.runtime.local.MountPlan.Mount;
import io.onepanel.workflow.runtime.local.TaskPaths.ArtifactPath;
import io.onepanel.workflow.runtime.local.TaskPaths.ParameterPath;
import io.onepanel.workflow.runtime.local.TaskPaths.VolumeKind;
import io.onepanel.workflow.runtime.local.TaskPaths.VolumePath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Decides how one attempt sees the file system, the way a pod's volumes would:
 *
 * <ul>
 *   <li>{@code /tmp} is a directory of the attempt's own; declared paths under it are simply made
 *       there, no mount needed.
 *   <li>Every other declared path (input and output artifacts, output parameter files,
 *       {@code emptyDir} mounts, a missing working directory) becomes a directory or file of the
 *       attempt's own, mounted at the declared path.
 *   <li>Claims ({@code volumeClaimTemplates}, {@code persistentVolumeClaim}) are one directory per
 *       run, shared by all its tasks; {@code hostPath} volumes are the machine's own path.
 *   <li>A path under a volume is part of that volume, as in Argo: an input artifact under a claim
 *       is written into the claim, an output under it is read from there.
 * </ul>
 *
 * A mount needs a mount point on this machine. Inside a mount that is there already; outside, a
 * path that exists is used as it is, a missing path whose parent exists is created empty, and when
 * the parent is missing too, the top-most missing directory is created empty and a private
 * directory mounted there, so the rest of the path is made inside it. Mount points created here
 * are recorded in {@link HostMountPoints} and removed when the run finishes.
 *
 * <p>Must be used with {@link HostMountPoints#lock()} held.
 */
final class MountPlanner {

    /** The run's directory for a shared volume, created on first use. */
    @FunctionalInterface
    interface SharedVolumes {
        Path directory(String key) throws IOException;
    }

    /** Overlay option values are split on ',' and ':'; only plain paths go there. */
    private static final java.util.regex.Pattern SAFE_OPTION_PATH = java.util.regex.Pattern.compile("[A-Za-z0-9._/+-]+");

    private final boolean overlays;
    private final List<ContainerPath> keptVisible;
    private final Path attemptDir;
    private final HostMountPoints hostMountPoints;
    private final String run;
    private final SharedVolumes sharedVolumes;
    private final Consumer<String> warnings;
    private final MountPlan plan = new MountPlan();
    private int privateCount;

    /**
     * @param attemptDir the attempt's own directory on this machine; private sources go below it
     * @param run the key under which created mount points are recorded
     * @param warnings receives one line per volume that cannot be provided as declared
     * @param keptVisible the machine's directories the task must see at their own paths even though
     *     they lie under {@code /tmp}, which is the attempt's own (the default working directory: a
     *     checkout or a CI workspace under /tmp); others are ignored
     */
    MountPlanner(Path attemptDir, HostMountPoints hostMountPoints, String run, SharedVolumes sharedVolumes,
            Consumer<String> warnings, boolean overlays, List<Path> keptVisible) {
        this.overlays = overlays;
        this.keptVisible = underTmp(keptVisible);
        this.attemptDir = attemptDir;
        this.hostMountPoints = hostMountPoints;
        this.run = run;
        this.sharedVolumes = sharedVolumes;
        this.warnings = warnings;
    }

    /**
     * @param stagedInputs where each fetched input artifact is, by name; an optional artifact that
     *     was absent has no entry. Moved into place or mounted from there.
     */
    MountPlan plan(TaskPaths paths, Map<String, Path> stagedInputs) throws LocalRuntimeException {
        assert Thread.holdsLock(hostMountPoints.lock());
        try {
            Path tmp = attemptDir.resolve("tmp");
            Files.createDirectories(tmp);
            plan.add(new Mount(ContainerPath.TMP, tmp, true, false, true));
            for (ContainerPath kept : keptVisible) {
                Files.createDirectories(tmp.resolve(kept.relativeTo(ContainerPath.TMP)));
                plan.add(Mount.machineOwn(kept));
            }
            for (Step step : steps(paths, stagedInputs)) {
                step.apply();
            }
            return plan;
        } catch (IOException e) {
            throw new LocalRuntimeException("cannot prepare the task's file system on this machine: " + e, e);
        }
    }

    /**
     * The directories strictly below {@code /tmp} that exist on this machine, without one inside
     * another (the outer one brings the inner one along). {@code /tmp} itself is never kept: it is
     * what the attempt has of its own.
     */
    private static List<ContainerPath> underTmp(List<Path> directories) {
        List<ContainerPath> kept = new ArrayList<>();
        directories.stream().map(d -> d.toAbsolutePath().normalize().toString()).sorted().forEach(d -> {
            try {
                ContainerPath path = ContainerPath.parse(d, "a directory kept visible");
                if (path.isWithin(ContainerPath.TMP) && !path.equals(ContainerPath.TMP)
                        && Files.isDirectory(path.onHost()) && kept.stream().noneMatch(path::isWithin)) {
                    kept.add(path);
                }
            } catch (LocalRuntimeException e) {
                // Not a path a task could see (relative, with ".."): nothing to keep.
            }
        });
        return List.copyOf(kept);
    }

    @FunctionalInterface
    private interface Action {
        void apply() throws IOException, LocalRuntimeException;
    }

    /** One declared path; applied outermost first so that a mount never hides an earlier one. */
    private record Step(ContainerPath path, int rank, Action action) {
        void apply() throws IOException, LocalRuntimeException {
            action.apply();
        }
    }

    private List<Step> steps(TaskPaths paths, Map<String, Path> stagedInputs) {
        List<Step> steps = new ArrayList<>();
        for (VolumePath volume : paths.volumes()) {
            steps.add(new Step(volume.path(), 0, () -> volume(volume)));
        }
        for (ArtifactPath input : paths.inputs()) {
            Path staged = stagedInputs.get(input.artifact().name());
            if (staged != null) {
                steps.add(new Step(input.path(), 1, () -> input(input, staged)));
            }
        }
        for (ArtifactPath output : paths.outputs()) {
            steps.add(new Step(output.path(), 2, () -> output(output.path(), null)));
        }
        for (ParameterPath parameter : paths.parameters()) {
            steps.add(new Step(parameter.path(), 2, () -> output(parameter.path(), false)));
        }
        if (paths.workingDirDeclared()) {
            steps.add(new Step(paths.workingDir(), 3, () -> workingDir(paths.workingDir())));
        }
        steps.sort(Comparator.comparingInt((Step s) -> s.path().depth()).thenComparingInt(Step::rank));
        return steps;
    }

    private void volume(VolumePath volume) throws IOException, LocalRuntimeException {
        String what = "volumeMount '" + volume.name() + "'";
        switch (volume.kind()) {
            case EMPTY_DIR -> privateDirectory(volume.path(), what);
            case UNAVAILABLE -> {
                warnings.accept("volume '" + volume.name() + "' (" + volume.key() + ") cannot be provided on this"
                        + " machine; " + volume.path() + " is an empty directory");
                privateDirectory(volume.path(), what);
            }
            case SHARED -> {
                Path source = sharedVolumes.directory(volume.key());
                if (!volume.subPath().isEmpty()) {
                    source = source.resolve(volume.subPath());
                    Files.createDirectories(source);
                }
                bind(volume.path(), source, true, volume.readOnly(), false, what);
            }
            case HOST -> {
                Path source = hostPath(volume, what);
                bind(volume.path(), source, Files.isDirectory(source), volume.readOnly(), false, what);
            }
        }
    }

    private static Path hostPath(VolumePath volume, String what) throws IOException, LocalRuntimeException {
        Path source = Path.of(volume.key());
        if (!volume.subPath().isEmpty()) {
            source = source.resolve(volume.subPath());
        }
        if (!Files.exists(source)) {
            switch (volume.hostPathType()) {
                case "DirectoryOrCreate" -> Files.createDirectories(source);
                case "FileOrCreate" -> MountPlan.createIfAbsent(source, false);
                default -> throw new LocalRuntimeException(what + ": hostPath " + source
                        + " does not exist on this machine");
            }
        }
        // The template names this path: resolved here, so outputs under it are read with no link above them.
        return source.toRealPath();
    }

    private void input(ArtifactPath input, Path staged) throws IOException, LocalRuntimeException {
        String what = "input artifact '" + input.artifact().name() + "'";
        boolean directory = Files.isDirectory(staged);
        Location location = plan.locate(input.path());
        if (location == null) {
            bind(input.path(), staged, directory, false, true, what);
            return;
        }
        // Under a volume or /tmp: the artifact becomes part of it, as Argo loads it into the volume.
        Files.createDirectories(location.host().getParent());
        if (Files.exists(location.host())) {
            FileTree.delete(location.host());
        }
        FileTree.move(staged, location.host());
    }

    /**
     * An output file or directory the task will write. Under a mount it is read from there; else it
     * gets a private directory or file of its own at its path.
     *
     * @param directory null when the template does not say which it is
     */
    private void output(ContainerPath path, Boolean directory) throws IOException, LocalRuntimeException {
        if (plan.locate(path) != null) {
            return;
        }
        ContainerPath ancestor = overlayFor(path);
        if (ancestor != null) {
            overlay(ancestor);
        } else {
            privateAtHostPath(path, directory, "output path " + path);
        }
    }

    /**
     * An output path that does not exist yet is left for the task to create, as in a container
     * (Argo's map-reduce example runs {@code os.mkdir("/mnt/out")}). An overlay on its nearest
     * existing ancestor gives the task a writable, private view of that directory: what it creates
     * lands in this attempt's upper layer, the ancestor's own files stay visible, and nothing is
     * created on this machine.
     *
     * @return the ancestor to overlay, or null when an overlay cannot be used here
     */
    private ContainerPath overlayFor(ContainerPath path) {
        if (!overlays || Files.exists(path.onHost(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        ContainerPath ancestor = path.parent();
        while (!ancestor.isRoot() && !Files.exists(ancestor.onHost(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            ancestor = ancestor.parent();
        }
        boolean usable = !ancestor.isRoot() && Files.isDirectory(ancestor.onHost(), java.nio.file.LinkOption.NOFOLLOW_LINKS)
                && SAFE_OPTION_PATH.matcher(ancestor.toString()).matches()
                && hostMountPoints.mountsBelow(ancestor.onHost()) != null;
        return usable ? ancestor : null;
    }

    private void overlay(ContainerPath ancestor) throws IOException, LocalRuntimeException {
        if (plan.mounts().stream().anyMatch(m -> m.isOverlay() && m.target().equals(ancestor))) {
            return;
        }
        Path layers = newPrivate(true);
        Path upper = Files.createDirectories(layers.resolve("upper"));
        Path work = Files.createDirectories(layers.resolve("work"));
        plan.add(new Mount(ancestor, upper, true, false, true, work));
        // The overlay shows the ancestor's own directory only; what is mounted below it on this
        // machine comes back on top, bound from where it was before the overlay hid it.
        for (HostMountPoints.HostMount below : hostMountPoints.mountsBelow(ancestor.onHost())) {
            ContainerPath target = ContainerPath.parse(below.path().toString(), "a mount below " + ancestor);
            if (plan.mounts().stream().noneMatch(m -> m.target().equals(target))) {
                plan.add(new Mount(target, below.path(), Files.isDirectory(below.path()), below.readOnly(), false));
            }
        }
    }

    /** Kubernetes creates a missing working directory, inside the container. */
    private void workingDir(ContainerPath path) throws IOException, LocalRuntimeException {
        Location location = plan.locate(path);
        if (location != null) {
            Files.createDirectories(location.host());
        } else if (Files.exists(path.onHost()) && !Files.isDirectory(path.onHost())) {
            throw new LocalRuntimeException("workingDir: " + path + " is not a directory on this machine");
        } else if (!Files.exists(path.onHost())) {
            privateAtHostPath(path, true, "workingDir");
        }
    }

    private void privateDirectory(ContainerPath path, String what) throws IOException, LocalRuntimeException {
        Location location = plan.locate(path);
        if (location == null) {
            privateAtHostPath(path, true, what);
        } else if (location.privateToAttempt()) {
            Files.createDirectories(location.host());
        } else {
            bind(path, newPrivate(true), true, false, true, what);
        }
    }

    /** Mounts a new private directory or file at a path no mount covers. */
    private void privateAtHostPath(ContainerPath path, Boolean directory, String what)
            throws IOException, LocalRuntimeException {
        Path host = path.onHost();
        boolean kind;
        if (Files.exists(host)) {
            kind = directory != null ? directory : Files.isDirectory(host);
        } else if (Files.isDirectory(host.getParent())) {
            kind = directory != null ? directory : looksLikeDirectory(path);
        } else {
            privatizeTopMostMissing(path, what);
            // Now under a private mount: the task makes the path there itself, or we make it now.
            if (Boolean.TRUE.equals(directory)) {
                Files.createDirectories(plan.locate(path).host());
            }
            return;
        }
        bind(path, newPrivate(kind), kind, false, true, what);
    }

    /**
     * An output artifact's path does not say whether the task writes a file or a directory; a
     * mount point must be one or the other. A last segment with an extension ({@code model.h5},
     * {@code out.txt}) is taken for a file, anything else ({@code /mnt/output}) for a directory.
     */
    static boolean looksLikeDirectory(ContainerPath path) {
        String name = path.fileName();
        int dot = name.lastIndexOf('.');
        return dot <= 0 || dot == name.length() - 1;
    }

    private void bind(ContainerPath target, Path source, boolean directory, boolean readOnly,
            boolean privateToAttempt, String what) throws IOException, LocalRuntimeException {
        mountPoint(target, directory, what);
        plan.add(new Mount(target, source, directory, readOnly, privateToAttempt));
    }

    /** Makes sure something of the right kind exists at {@code target} to mount over. */
    private void mountPoint(ContainerPath target, boolean directory, String what)
            throws IOException, LocalRuntimeException {
        Location location = plan.locate(target);
        if (location != null) {
            if (Files.exists(location.host()) && !MountPlan.isKind(location.host(), directory)) {
                throw wrongKind(what, target, directory);
            }
            MountPlan.createIfAbsent(location.host(), directory);
            return;
        }
        Path host = target.onHost();
        if (Files.exists(host)) {
            if (!MountPlan.isKind(host, directory)) {
                throw wrongKind(what, target, directory);
            }
            hostMountPoints.use(host, run);
        } else if (Files.isDirectory(host.getParent())) {
            createOnHost(host, directory, what);
        } else {
            privatizeTopMostMissing(target, what);
            MountPlan.createIfAbsent(plan.locate(target).host(), directory);
        }
    }

    /** Creates the top-most missing ancestor of {@code path} empty and mounts a private directory there. */
    private void privatizeTopMostMissing(ContainerPath path, String what) throws IOException, LocalRuntimeException {
        ContainerPath top = path;
        while (!top.parent().isRoot() && !Files.exists(top.parent().onHost())) {
            top = top.parent();
        }
        if (!Files.isDirectory(top.parent().onHost())) {
            throw new LocalRuntimeException(what + ": cannot make " + path + " on this machine: "
                    + top.parent() + " is not a directory");
        }
        createOnHost(top.onHost(), true, what);
        plan.add(new Mount(top, newPrivate(true), true, false, true));
    }

    private void createOnHost(Path host, boolean directory, String what) throws LocalRuntimeException {
        try {
            hostMountPoints.create(host, directory, run);
        } catch (IOException e) {
            throw new LocalRuntimeException(what + ": cannot create the mount point " + host + " on this machine ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    private Path newPrivate(boolean directory) throws IOException {
        Path path = attemptDir.resolve("private").resolve(Integer.toString(privateCount++));
        MountPlan.createIfAbsent(path, directory);
        return path;
    }

    private static LocalRuntimeException wrongKind(String what, ContainerPath target, boolean directory) {
        return new LocalRuntimeException(what + ": " + target + " must be a " + (directory ? "directory" : "file")
                + " to mount there, but on this machine it is not");
    }
}
