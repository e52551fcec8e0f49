package io.onepanel.workflow.artifact.files;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.ObjectKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Places relative names (object keys, tar entry names) under a root without ever leaving it. */
public final class SafePaths {

    private SafePaths() {}

    /**
     * {@code root/relative}, after checking the name is a safe key and that no existing parent
     * directory on the way is a symbolic link that leads out of {@code root}.
     *
     * @throws ArtifactException naming the entry when it would land outside the root
     */
    public static Path resolve(Path root, String relative) throws ArtifactException {
        String problem = ObjectKeys.problem(relative);
        if (problem != null) {
            throw new ArtifactException("refusing entry '" + relative + "': " + problem);
        }
        Path resolved = root.resolve(ObjectKeys.stripTrailingSlash(relative)).normalize();
        if (!resolved.startsWith(root)) {
            throw new ArtifactException("refusing entry '" + relative + "': it leaves the target directory");
        }
        checkParents(root, resolved, relative);
        return resolved;
    }

    /** The nearest existing ancestor of {@code path} must really (symbolic links resolved) be inside root. */
    public static void checkParents(Path root, Path path, String name) throws ArtifactException {
        try {
            Path realRoot = root.toRealPath();
            Path existing = path.getParent();
            while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                existing = existing.getParent();
            }
            if (existing == null) {
                return;
            }
            if (!existing.toRealPath().startsWith(realRoot)) {
                throw new ArtifactException("refusing entry '" + name + "': a symbolic link leads it out of the target directory");
            }
        } catch (IOException e) {
            throw new ArtifactException("cannot check entry '" + name + "': " + e.getMessage(), e);
        }
    }
}
