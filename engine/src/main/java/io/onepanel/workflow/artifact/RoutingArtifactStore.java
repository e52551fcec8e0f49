package io.onepanel.workflow.artifact;

import io.onepanel.workflow.artifact.directory.DirectoryArtifactStore;
import io.onepanel.workflow.artifact.files.OwnedDirectory;
import io.onepanel.workflow.artifact.s3.S3ArtifactStore;
import io.onepanel.workflow.artifact.source.GitFetcher;
import io.onepanel.workflow.artifact.source.HttpFetcher;
import io.onepanel.workflow.artifact.source.RawFetcher;
import io.onepanel.workflow.template.Artifact;
import java.nio.file.Path;
import java.util.Map;

/**
 * The store the runtimes get: sends each artifact where it lives. {@code s3:} and outputs without a
 * location go to the default repository (a local directory or S3); an {@code s3:} that names its own
 * endpoint goes to S3 even when the default is a directory; {@code git:}, {@code raw:} and
 * {@code http:} inputs go to their fetchers.
 */
public final class RoutingArtifactStore implements ArtifactStore, AutoCloseable {

    private final ArtifactStore repository;
    private final S3ArtifactStore s3;
    private final GitFetcher git;
    private final RawFetcher raw;
    private final HttpFetcher http;

    public RoutingArtifactStore(ArtifactStore repository, S3ArtifactStore s3, GitFetcher git, RawFetcher raw,
            HttpFetcher http) {
        this.repository = repository;
        this.s3 = s3;
        this.git = git;
        this.raw = raw;
        this.http = http;
    }

    /** The embedded default: artifacts under {@code root/bucket/key} on this machine. */
    public static RoutingArtifactStore local(Path root, ArtifactRepository repository, CredentialsResolver credentials) {
        return new RoutingArtifactStore(new DirectoryArtifactStore(root, repository),
                new S3ArtifactStore(repository, credentials), new GitFetcher(credentials), new RawFetcher(),
                new HttpFetcher());
    }

    /** S3 as the default repository. */
    public static RoutingArtifactStore s3(ArtifactRepository repository, CredentialsResolver credentials) {
        S3ArtifactStore s3 = new S3ArtifactStore(repository, credentials);
        return new RoutingArtifactStore(s3, s3, new GitFetcher(credentials), new RawFetcher(), new HttpFetcher());
    }

    /**
     * Checks before anything runs that the default repository can be used: for S3, that the bucket
     * exists and the credentials may reach it (a local directory needs no check).
     */
    public void checkRepository() throws ArtifactException {
        if (repository instanceof S3ArtifactStore store) {
            store.checkRepository();
        }
    }

    /** What stores of killed runs left in the default repository (a local directory's staging area). */
    public OwnedDirectory.Removed removeLeftovers() {
        return repository instanceof DirectoryArtifactStore directory ? directory.removeLeftovers()
                : OwnedDirectory.Removed.NOTHING;
    }

    @Override
    public Artifact locate(Artifact output, Map<String, String> variables) {
        return repository.locate(output, variables);
    }

    @Override
    public void fetch(Artifact input, Path target, TransferListener listener) throws ArtifactException {
        if (input.git() != null) {
            git.fetch(input, target, listener);
        } else if (input.raw() != null) {
            raw.fetch(input, target, listener);
        } else if (input.http() != null) {
            http.fetch(input, target, listener);
        } else if (input.s3() != null) {
            storeFor(input).fetch(input, target, listener);
        } else if (!input.optional()) {
            throw new ArtifactException("input artifact '" + input.name() + "' has no location"
                    + (input.from() != null ? " ('from: " + input.from() + "' was not resolved)" : ""));
        }
    }

    @Override
    public Artifact store(Artifact output, Path source, TransferListener listener) throws ArtifactException {
        if (output.git() != null || output.raw() != null || output.http() != null) {
            throw new ArtifactException("output artifact '" + output.name()
                    + "': git, raw and http locations can only be read; store outputs in S3");
        }
        return storeFor(output).store(output, source, listener);
    }

    private ArtifactStore storeFor(Artifact artifact) {
        boolean ownEndpoint = artifact.s3() != null && artifact.s3().endpoint() != null
                && !artifact.s3().endpoint().isBlank();
        return ownEndpoint && repository instanceof DirectoryArtifactStore && s3 != null ? s3 : repository;
    }

    @Override
    public void close() {
        if (s3 != null) {
            s3.close();
        }
    }
}
