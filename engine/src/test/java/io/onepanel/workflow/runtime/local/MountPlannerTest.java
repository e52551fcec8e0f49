package io.onepanel.workflow.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onepanel.workflow.runtime.local.MountPlan.Mount;
import io.onepanel.workflow.runtime.local.TaskPaths.ArtifactPath;
import io.onepanel.workflow.runtime.local.TaskPaths.ParameterPath;
import io.onepanel.workflow.runtime.local.TaskPaths.VolumeKind;
import io.onepanel.workflow.runtime.local.TaskPaths.VolumePath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layout decisions, without running anything. Declared paths stand in a scratch directory of
 * the build ({@code target/}), which is outside /tmp like the paths of real templates.
 */
class MountPlannerTest {

    @TempDir
    Path temp;

    Path host;
    Path attempt;
    HostMountPoints hostMountPoints = new HostMountPoints();
    List<String> warnings = new ArrayList<>();

    @BeforeEach
    void createHostArea() throws IOException {
        host = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "planner-");
        Files.createDirectories(host.resolve("existing"));
        attempt = Files.createDirectories(temp.resolve("attempt"));
    }

    @AfterEach
    void removeHostArea() throws IOException {
        FileTree.delete(host);
    }

    ContainerPath at(String relative) throws LocalRuntimeException {
        return ContainerPath.parse(host.resolve(relative).toString(), "test path");
    }

    MountPlan plan(String run, TaskPaths paths, Map<String, Path> staged) throws LocalRuntimeException {
        return plan(run, paths, staged, false);
    }

    MountPlan plan(String run, TaskPaths paths, Map<String, Path> staged, boolean overlays)
            throws LocalRuntimeException {
        synchronized (hostMountPoints.lock()) {
            return new MountPlanner(attempt, hostMountPoints, run,
                    key -> Files.createDirectories(temp.resolve("volumes").resolve(key)), warnings::add, overlays,
                    List.of(Path.of("").toAbsolutePath()))
                    .plan(paths, staged);
        }
    }

    static TaskPaths outputs(ContainerPath... paths) {
        List<ArtifactPath> outputs = new ArrayList<>();
        for (ContainerPath path : paths) {
            outputs.add(new ArtifactPath(Tasks.artifact("a" + outputs.size(), path.value(), "k", false), path));
        }
        return new TaskPaths(List.of(), List.of(), outputs, List.of(), ContainerPath.ROOT, false);
    }

    /** The mounts, without the build directory bound back when the checkout is under /tmp. */
    static List<Mount> declared(MountPlan plan) {
        return plan.mounts().stream().filter(m -> !m.machineOwn()).toList();
    }

    /** The mounts' targets, without the build directory bound back when the checkout is under /tmp. */
    static List<String> targets(MountPlan plan) {
        return plan.mounts().stream().filter(m -> !m.machineOwn()).map(m -> m.target().value()).toList();
    }

    @Test
    void pathsUnderTmpNeedNoMountOfTheirOwn() throws Exception {
        MountPlan plan = plan("r", outputs(ContainerPath.parse("/tmp/out/model", "o")), Map.of());

        assertThat(targets(plan)).containsExactly("/tmp");
        assertThat(plan.locate(ContainerPath.parse("/tmp/out/model", "o")))
                .isEqualTo(new MountPlan.Location(attempt.resolve("tmp/out/model"), true, attempt.resolve("tmp")));
    }

    @Test
    void anOutputWhoseParentExistsGetsItsOwnMountPointDirectoryUnlessItsNameHasAnExtension() throws Exception {
        MountPlan plan = plan("r", outputs(at("existing/output"), at("existing/model.h5")), Map.of());

        assertThat(targets(plan)).containsExactly("/tmp", at("existing/output").value(),
                at("existing/model.h5").value());
        assertThat(host.resolve("existing/output")).isEmptyDirectory();
        assertThat(host.resolve("existing/model.h5")).isEmptyFile();
        assertThat(declared(plan).get(1).source()).isDirectory().startsWith(attempt);
        assertThat(declared(plan).get(2).source()).isRegularFile().startsWith(attempt);

        hostMountPoints.release("r");

        assertThat(host.resolve("existing")).isEmptyDirectory();
    }

    @Test
    void withOverlaysAMissingOutputIsLeftForTheTaskToCreateInAnOverlayOfItsParent() throws Exception {
        MountPlan plan = plan("r", outputs(at("existing/out"), at("existing/model.h5")), Map.of(), true);

        // One overlay of the parent serves both outputs; nothing is created on this machine.
        assertThat(targets(plan)).containsExactly("/tmp", at("existing").value());
        MountPlan.Mount overlay = declared(plan).get(1);
        assertThat(overlay.isOverlay()).isTrue();
        assertThat(overlay.source()).isEmptyDirectory().startsWith(attempt);
        assertThat(overlay.overlayWork()).isEmptyDirectory().startsWith(attempt);
        assertThat(host.resolve("existing")).isEmptyDirectory();
        // What the task writes there is read back from the overlay's upper layer.
        assertThat(plan.locate(at("existing/out")).host()).isEqualTo(overlay.source().resolve("out"));
    }

    @Test
    void anOutputThatAlreadyExistsIsStillMountedOverEvenWithOverlays() throws Exception {
        Files.createDirectories(host.resolve("existing/out"));
        MountPlan plan = plan("r", outputs(at("existing/out")), Map.of(), true);

        assertThat(plan.mounts()).noneMatch(MountPlan.Mount::isOverlay);
        assertThat(targets(plan)).containsExactly("/tmp", at("existing/out").value());
    }

    @Test
    void aMissingParentMakesTheTopMostMissingDirectoryTheMountPoint() throws Exception {
        TaskPaths paths = new TaskPaths(List.of(), List.of(), List.of(), List.of(new ParameterPath(
                Tasks.outputParameter("p", at("missing/a/b/value").value(), null), at("missing/a/b/value"))),
                ContainerPath.ROOT, false);

        MountPlan plan = plan("r", paths, Map.of());

        assertThat(targets(plan)).containsExactly("/tmp", at("missing").value());
        assertThat(host.resolve("missing")).isEmptyDirectory();
        MountPlan.Location value = plan.locate(at("missing/a/b/value"));
        assertThat(value.privateToAttempt()).isTrue();
        assertThat(value.host()).startsWithRaw(attempt).endsWithRaw(Path.of("a/b/value"));

        hostMountPoints.release("r");

        assertThat(host.resolve("missing")).doesNotExist();
    }

    @Test
    void aMountPointStaysUntilTheLastRunUsingItIsReleased() throws Exception {
        plan("first", outputs(at("existing/shared")), Map.of());
        attempt = Files.createDirectories(temp.resolve("attempt-2"));
        plan("second", outputs(at("existing/shared")), Map.of());

        hostMountPoints.release("first");
        assertThat(host.resolve("existing/shared")).isDirectory();

        hostMountPoints.release("second");
        assertThat(host.resolve("existing/shared")).doesNotExist();
    }

    @Test
    void aMountPointMadeInsideAnotherRunsMountPointKeepsBothUntilBothRunsAreReleased() throws Exception {
        plan("first", outputs(at("missing/out")), Map.of());
        attempt = Files.createDirectories(temp.resolve("attempt-2"));
        MountPlan second = plan("second", outputs(at("missing/deeper/out")), Map.of());
        assertThat(targets(second)).containsExactly("/tmp", at("missing/deeper").value());

        hostMountPoints.release("first");
        assertThat(host.resolve("missing/deeper")).isDirectory();

        hostMountPoints.release("second");
        assertThat(host.resolve("missing")).doesNotExist();
    }

    @Test
    void aWorkingDirectoryThatIsAFileIsAnError() throws Exception {
        Files.writeString(host.resolve("existing/file"), "x");
        TaskPaths paths = new TaskPaths(List.of(), List.of(), List.of(), List.of(), at("existing/file"), true);

        assertThatThrownBy(() -> plan("r", paths, Map.of()))
                .hasMessage("workingDir: " + at("existing/file") + " is not a directory on this machine");
    }

    @Test
    void aMissingWorkingDirectoryIsMadeInsideTheTaskOnly() throws Exception {
        TaskPaths paths = new TaskPaths(List.of(), List.of(), List.of(), List.of(), at("existing/work"), true);

        MountPlan plan = plan("r", paths, Map.of());

        assertThat(plan.locate(at("existing/work")).privateToAttempt()).isTrue();
        hostMountPoints.release("r");
        assertThat(host.resolve("existing/work")).doesNotExist();
    }

    @Test
    void aMountPointThatIsNoLongerEmptyIsLeftAlone() throws Exception {
        plan("r", outputs(at("existing/out")), Map.of());
        Files.writeString(host.resolve("existing/out/someone-elses"), "x");

        hostMountPoints.release("r");

        assertThat(host.resolve("existing/out/someone-elses")).exists();
    }

    @Test
    void anInputOutsideAnyVolumeIsMountedFromWhereItWasFetchedAndAnOutputBelowItIsReadThere() throws Exception {
        Path staged = Files.createDirectories(attempt.resolve("inputs/0"));
        TaskPaths paths = new TaskPaths(List.of(),
                List.of(new ArtifactPath(Tasks.artifact("in", at("existing/in").value(), "k", false),
                        at("existing/in"))),
                List.of(new ArtifactPath(Tasks.artifact("out", at("existing/in/out").value(), "k2", false),
                        at("existing/in/out"))),
                List.of(), ContainerPath.ROOT, false);

        MountPlan plan = plan("r", paths, Map.of("in", staged));

        assertThat(plan.mounts()).contains(new Mount(at("existing/in"), staged, true, false, true));
        assertThat(plan.locate(at("existing/in/out")).host()).isEqualTo(staged.resolve("out"));
    }

    @Test
    void aClaimIsTheRunsDirectoryAndAnInputBelowItIsMovedIntoIt() throws Exception {
        Path staged = Files.writeString(Files.createDirectories(attempt.resolve("inputs")).resolve("0"), "data");
        ContainerPath claimPath = at("existing/claim");
        TaskPaths paths = new TaskPaths(
                List.of(new VolumePath(claimPath, "work", VolumeKind.SHARED, "claim-work", "", "", false)),
                List.of(new ArtifactPath(Tasks.artifact("in", at("existing/claim/in.txt").value(), "k", false),
                        at("existing/claim/in.txt"))),
                List.of(), List.of(), ContainerPath.ROOT, false);

        MountPlan plan = plan("r", paths, Map.of("in", staged));

        Path claim = temp.resolve("volumes/claim-work");
        assertThat(plan.mounts()).contains(new Mount(claimPath, claim, true, false, false));
        assertThat(claim.resolve("in.txt")).hasContent("data");
        assertThat(staged).doesNotExist();
    }

    @Test
    void anEmptyDirInsideAClaimIsStillTheAttemptsOwn() throws Exception {
        TaskPaths paths = new TaskPaths(List.of(
                new VolumePath(at("existing/claim"), "work", VolumeKind.SHARED, "claim-work", "", "", false),
                new VolumePath(at("existing/claim/scratch"), "scratch", VolumeKind.EMPTY_DIR, "emptyDir", "", "",
                        false)), List.of(), List.of(), List.of(), ContainerPath.ROOT, false);

        MountPlan plan = plan("r", paths, Map.of());

        assertThat(targets(plan)).containsExactly("/tmp", at("existing/claim").value(),
                at("existing/claim/scratch").value());
        assertThat(plan.locate(at("existing/claim/scratch/x")).privateToAttempt()).isTrue();
        assertThat(temp.resolve("volumes/claim-work/scratch")).as("its mount point").isEmptyDirectory();
    }

    @Test
    void aVolumeTheMachineCannotProvideIsAnEmptyPrivateDirectoryWithAWarning() throws Exception {
        TaskPaths paths = new TaskPaths(List.of(new VolumePath(at("existing/config"), "config",
                VolumeKind.UNAVAILABLE, "configMap", "", "", true)), List.of(), List.of(), List.of(),
                ContainerPath.ROOT, false);

        MountPlan plan = plan("r", paths, Map.of());

        assertThat(plan.locate(at("existing/config")).privateToAttempt()).isTrue();
        assertThat(warnings).containsExactly("volume 'config' (configMap) cannot be provided on this machine; "
                + at("existing/config") + " is an empty directory");
    }

    @Test
    void aFileWhereADirectoryMustBeMountedIsAnError() throws Exception {
        Files.writeString(host.resolve("existing/file"), "x");
        TaskPaths paths = new TaskPaths(List.of(new VolumePath(at("existing/file"), "c", VolumeKind.SHARED,
                "claim-c", "", "", false)), List.of(), List.of(), List.of(), ContainerPath.ROOT, false);

        assertThatThrownBy(() -> plan("r", paths, Map.of())).isInstanceOf(LocalRuntimeException.class)
                .hasMessageContaining("volumeMount 'c'").hasMessageContaining("must be a directory");
    }
}
