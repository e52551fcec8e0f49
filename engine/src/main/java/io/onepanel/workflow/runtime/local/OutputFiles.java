package io.onepanel.workflow.runtime.local;

import io.onepanel.workflow.artifact.files.LinkFreePath;
import io.onepanel.workflow.runtime.OutputParameterFile;
import io.onepanel.workflow.runtime.local.MountPlan.Location;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Finds what an attempt left at its declared output paths, inside its own files only: the mount
 * that covers a path (the attempt's {@code /tmp}, a private file or directory, a claim) and then,
 * step by step below it, nothing that is a symbolic link. A link the task made ({@code ln -s
 * /proc/self/environ /tmp/p}) is refused by its path in the task's view; the bytes are then read
 * with {@link LinkFreePath}, so a link swapped in later is refused too. Paths no mount covers (the
 * machine's own directories) hold no output of the task's.
 */
final class OutputFiles {

    private final MountPlan plan;

    OutputFiles(MountPlan plan) {
        this.plan = plan;
    }

    /**
     * @return where the output is on this machine, or null when nothing is there
     * @throws LocalRuntimeException when the path or a directory above it inside the task's files is
     *     a symbolic link, named as the task sees it
     */
    Path locate(ContainerPath path) throws LocalRuntimeException {
        Location location = plan.locate(path);
        if (location == null) {
            return null;
        }
        Path relative = location.mountSource().relativize(location.host());
        Path host = location.mountSource();
        int below = relative.toString().isEmpty() ? 0 : relative.getNameCount();
        for (int i = 0; i < below; i++) {
            host = host.resolve(relative.getName(i));
            BasicFileAttributes attributes;
            try {
                attributes = LinkFreePath.attributes(host);
            } catch (IOException e) {
                throw new LocalRuntimeException(path + ": cannot be read (" + e.getMessage() + ")", e);
            }
            if (attributes == null) {
                return null;
            }
            if (attributes.isSymbolicLink()) {
                throw new LocalRuntimeException(ancestor(path, below - 1 - i) + " is a symbolic link"
                        + LinkFreePath.pointsTo(host) + "; outputs are read inside the task's own files, never through a link");
            }
        }
        try {
            return LinkFreePath.attributes(location.host()) == null ? null : location.host();
        } catch (IOException e) {
            throw new LocalRuntimeException(path + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /** The file's text, or null when there is no file (a default may apply). */
    String readParameter(ContainerPath path, int limit) throws LocalRuntimeException {
        Path host = locate(path);
        if (host == null) {
            return null;
        }
        try {
            return OutputParameterFile.read(host, limit);
        } catch (OutputParameterFile.Unusable e) {
            throw new LocalRuntimeException(path + " " + e.getMessage(), e);
        } catch (IOException e) {
            throw new LocalRuntimeException(path + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /** A store's message about {@code host} told with the path the task knows it by. */
    static String asTaskSees(String message, Path host, ContainerPath path) {
        return message.replace(host.toString(), path.toString());
    }

    private static ContainerPath ancestor(ContainerPath path, int levelsUp) {
        ContainerPath p = path;
        for (int i = 0; i < levelsUp; i++) {
            p = p.parent();
        }
        return p;
    }
}
