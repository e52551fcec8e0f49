package io.onepanel.workflow.cli;

import io.onepanel.workflow.artifact.RoutingArtifactStore;
import io.onepanel.workflow.artifact.files.OwnedDirectory;
import io.onepanel.workflow.journal.RecordedRun;
import io.onepanel.workflow.runtime.local.LocalTaskRuntime;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The directories a local run writes to, as the command line sees them: checked before anything
 * runs (one line naming the directory and what to do, not a Java exception from the first task),
 * and cleared of what earlier runs left when they were killed.
 */
final class LocalWork {

    private LocalWork() {}

    /**
     * Why a local run could not write its files, in one line naming the directory and what to do, or
     * null. Checked after validation, so invalid input still leaves nothing behind.
     *
     * @param artifacts the local artifact directory, or null when artifacts go to S3
     */
    static String unwritable(Path work, Path artifacts) {
        String problem = problem("--work", work.toAbsolutePath());
        return problem == null && artifacts != null ? problem("--artifacts", artifacts.toAbsolutePath()) : problem;
    }

    /**
     * @param option the option that names the directory ({@code --work}, {@code --artifacts})
     * @return why nothing can be written below {@code directory}, in one line, or null
     */
    private static String problem(String option, Path directory) {
        try {
            Files.createDirectories(directory);
            Files.delete(Files.createTempFile(directory, ".onepanel-write-check", null));
            return null;
        } catch (AccessDeniedException e) {
            return why(option, directory, "permission denied" + where(e, directory));
        } catch (FileSystemException e) {
            return why(option, directory, (e.getReason() == null ? e.getClass().getSimpleName() : e.getReason())
                    + where(e, directory));
        } catch (IOException e) {
            return why(option, directory, e.getMessage());
        }
    }

    private static String why(String option, Path directory, String reason) {
        return option + " " + directory + ": cannot write there (" + reason + "); give a writable directory with "
                + option + " DIR";
    }

    /** " at PARENT" when the failure was on a directory above the one named. */
    private static String where(FileSystemException e, Path directory) {
        return e.getFile() == null || e.getFile().startsWith(directory.toString()) ? "" : " at " + e.getFile();
    }

    /**
     * Removes what runs killed earlier left, and says so in one line; silent when there was nothing. The
     * work directory of a run that {@code resume} can still continue is kept, and the line says so.
     */
    static void removeLeftovers(LocalTaskRuntime runtime, RoutingArtifactStore store, Path journals,
            PrintWriter err) {
        Set<String> resumable = resumable(journals);
        OwnedDirectory.Removed runs = runtime.removeLeftovers(resumable);
        OwnedDirectory.Removed stores = store.removeLeftovers();
        OwnedDirectory.Removed all = runs.plus(stores);
        if (!all.isEmpty()) {
            List<String> parts = new ArrayList<>();
            if (runs.directories() > 0) {
                parts.add(count(runs.directories(), "work directory", "work directories") + " under "
                        + runtime.workRoot().resolve("runs"));
            }
            if (stores.directories() > 0) {
                parts.add(count(stores.directories(), "partial store", "partial stores"));
            }
            err.println("onepanel-workflow: removed what runs killed earlier left behind: " + String.join(" and ", parts)
                    + ", " + Durations.bytes(all.bytes()) + (resumable.isEmpty() ? ""
                            : "; kept the work of " + count(resumable.size(), "run", "runs") + " that `resume` can"
                                    + " continue (their journals are under " + journals + ")"));
            err.flush();
        }
    }

    private static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** The uids of the runs under {@code journals} that have not ended, so that {@code resume} can continue them. */
    private static Set<String> resumable(Path journals) {
        Set<String> uids = new HashSet<>();
        if (!Files.isDirectory(journals)) {
            return uids;
        }
        try (Stream<Path> directories = Files.list(journals)) {
            directories.filter(Files::isDirectory).forEach(directory -> {
                try {
                    RecordedRun run = RecordedRun.read(directory);
                    if (!run.ended()) {
                        uids.add(run.info().uid());
                    }
                } catch (RuntimeException unreadable) {
                    // Not a journal this version can resume: its work directory is fair game.
                }
            });
        } catch (IOException e) {
            // Cannot list the journals: keep nothing back; the lock still protects living runs.
        }
        return uids;
    }
}
