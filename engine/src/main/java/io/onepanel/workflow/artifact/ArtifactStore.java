package io.onepanel.workflow.artifact;

import io.onepanel.workflow.template.Artifact;
import java.nio.file.Path;
import java.util.Map;

/**
 * Moves artifact bytes between a task's files and where artifacts live (the default repository, a
 * bucket named by the artifact, git, inline data, HTTP). The local runtime calls it on the
 * machine; the Kubernetes runtime's stager and Jenkins agents do the same in the pod.
 */
public interface ArtifactStore {

    /**
     * Gives an output artifact its concrete location before the task runs: an output with no
     * location (or a key-only {@code s3}) gets the default repository's bucket and, when it has no
     * key, a key from the repository's key format, expanded with {@code variables}
     * ({@code workflow.name}, {@code workflow.namespace}, {@code pod.name}, ...).
     */
    Artifact locate(Artifact output, Map<String, String> variables);

    /**
     * Places an input artifact at {@code target}: a single object becomes a file, a key prefix a
     * directory tree, a tar.gz made by an archived output is unpacked. Nothing is left at
     * {@code target} when it fails. A missing optional artifact is not an error (nothing is placed).
     *
     * @throws ArtifactException missing (non-optional) artifact, unreachable store, hostile entry
     */
    void fetch(Artifact input, Path target, TransferListener listener) throws ArtifactException;

    /**
     * Stores the file or directory at {@code source} under the output's location (as given by
     * {@link #locate}), archived as the artifact or the repository says. Never leaves a partial
     * object under the final key.
     *
     * @return the artifact as stored (its location and archive filled in)
     * @throws ArtifactException when the source is missing (and the artifact is not optional) or the
     *     store fails; a missing optional source returns null
     */
    Artifact store(Artifact output, Path source, TransferListener listener) throws ArtifactException;
}
