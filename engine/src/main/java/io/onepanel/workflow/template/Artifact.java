package io.onepanel.workflow.template;

/**
 * An artifact: a file or directory at {@code path} in the task's container, and where it lives
 * (exactly one of {@code s3}, {@code git}, {@code raw}, {@code http}, or {@code from} to be
 * resolved against another task's outputs). An output with no location goes to the default
 * repository under its key format.
 */
public record Artifact(
        String name,
        String path,
        String from,
        String fromExpression,
        Integer mode,
        boolean optional,
        String globalName,
        String subPath,
        ArchiveStrategy archive,
        S3Source s3,
        GitSource git,
        RawSource raw,
        HttpSource http,
        Positions positions) {

    public boolean hasLocation() {
        return s3 != null || git != null || raw != null || http != null;
    }

    public Artifact withS3(S3Source location) {
        return new Artifact(name, path, from, fromExpression, mode, optional, globalName, subPath, archive, location,
                null, null, null, positions);
    }

    public Artifact withPath(String newPath) {
        return new Artifact(name, newPath, from, fromExpression, mode, optional, globalName, subPath, archive, s3, git,
                raw, http, positions);
    }

    /** The same artifact, optional: an input the called template marks optional may be absent. */
    public Artifact asOptional() {
        return new Artifact(name, path, from, fromExpression, mode, true, globalName, subPath, archive, s3, git, raw,
                http, positions);
    }

    /** This artifact taking its location (and archive format) from another, as {@code from:} does. */
    public Artifact withLocationOf(Artifact source) {
        return new Artifact(name, path, null, null, mode, optional, globalName, subPath,
                archive != null ? archive : source.archive(), source.s3(), source.git(), source.raw(), source.http(),
                positions);
    }
}
