package io.onepanel.workflow.artifact;

import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.ArchiveStrategy;
import io.onepanel.workflow.template.S3Source;
import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * The default artifact repository of a namespace, as Onepanel configures it: where key-only
 * artifacts ({@code s3: {key: ...}}) and outputs without a location go.
 *
 * <p>Output keys follow Argo's executor ({@code workflow/executor/executor.go},
 * {@code saveArtifactFromFile}): an output without a key is stored under the expanded
 * {@code keyFormat} joined with a file name, {@code <artifact name>.tgz} when archived with tar,
 * {@code <artifact name>.zip} with zip, and the base name of the artifact's path when not archived.
 *
 * @param bucket the default bucket (for the directory store: a directory under its root); null when
 *     every artifact names its own
 * @param endpoint host[:port] (scheme from {@code insecure}) or a full URL; null for AWS itself
 * @param region the signing region; null means us-east-1
 * @param pathStyle {@code http://host/bucket/key} instead of {@code http://bucket.host/key}
 * @param insecure plain http when the endpoint gives no scheme
 * @param keyFormat the key for outputs that give none, with {@code {{workflow.name}}}-style variables
 * @param defaultArchive for artifacts that say nothing: Onepanel stores unarchived ({@link
 *     ArchiveStrategy#NONE}), plain Argo tar+gzip ({@link ArchiveStrategy#TAR})
 */
public record ArtifactRepository(
        String bucket,
        String endpoint,
        String region,
        boolean pathStyle,
        boolean insecure,
        String keyFormat,
        ArchiveStrategy defaultArchive,
        S3Credentials credentials,
        TransferSettings transfers) {

    /** Onepanel's default key format for outputs without a key. */
    public static final String ONEPANEL_KEY_FORMAT = "artifacts/{{workflow.namespace}}/{{workflow.name}}/{{pod.name}}";

    /** Argo's default ({@code DefaultArchivePattern}) when a repository gives no key format. */
    public static final String ARGO_KEY_FORMAT = "{{workflow.name}}/{{pod.name}}";

    public static final String DEFAULT_REGION = "us-east-1";

    public ArtifactRepository {
        Objects.requireNonNull(keyFormat, "keyFormat");
        Objects.requireNonNull(defaultArchive, "defaultArchive");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(transfers, "transfers");
    }

    /** Onepanel's defaults: unarchived, Onepanel's key format, the default credential chain. */
    public static ArtifactRepository onepanel(String bucket) {
        return new ArtifactRepository(bucket, null, null, true, false, ONEPANEL_KEY_FORMAT, ArchiveStrategy.NONE,
                S3Credentials.DEFAULT_CHAIN, TransferSettings.DEFAULT);
    }

    public ArtifactRepository withEndpoint(String newEndpoint, boolean newInsecure) {
        return new ArtifactRepository(bucket, newEndpoint, region, pathStyle, newInsecure, keyFormat, defaultArchive,
                credentials, transfers);
    }

    public ArtifactRepository withRegion(String newRegion) {
        return new ArtifactRepository(bucket, endpoint, newRegion, pathStyle, insecure, keyFormat, defaultArchive,
                credentials, transfers);
    }

    public ArtifactRepository withPathStyle(boolean newPathStyle) {
        return new ArtifactRepository(bucket, endpoint, region, newPathStyle, insecure, keyFormat, defaultArchive,
                credentials, transfers);
    }

    public ArtifactRepository withKeyFormat(String newKeyFormat) {
        return new ArtifactRepository(bucket, endpoint, region, pathStyle, insecure, newKeyFormat, defaultArchive,
                credentials, transfers);
    }

    /** {@link ArchiveStrategy#TAR} gives plain Argo's behaviour for artifacts that say nothing. */
    public ArtifactRepository withDefaultArchive(ArchiveStrategy archive) {
        return new ArtifactRepository(bucket, endpoint, region, pathStyle, insecure, keyFormat, archive, credentials,
                transfers);
    }

    public ArtifactRepository withCredentials(S3Credentials newCredentials) {
        return new ArtifactRepository(bucket, endpoint, region, pathStyle, insecure, keyFormat, defaultArchive,
                newCredentials, transfers);
    }

    public ArtifactRepository withTransfers(TransferSettings newTransfers) {
        return new ArtifactRepository(bucket, endpoint, region, pathStyle, insecure, keyFormat, defaultArchive,
                credentials, newTransfers);
    }

    /** The archive an artifact is stored with: its own, else this repository's default. */
    public ArchiveStrategy archiveOf(Artifact artifact) {
        return artifact.archive() != null && artifact.archive().kind() != null ? artifact.archive() : defaultArchive;
    }

    /**
     * Gives an output its concrete location (see {@link ArtifactStore#locate}): the default bucket
     * when it names none, a key from {@link #keyFormat} when it gives none (a given key is taken as
     * it is), and its archive strategy made explicit. Outputs that live in git, raw or http are
     * returned as they are.
     *
     * @throws IllegalArgumentException a variable in the key format or key is unknown
     */
    public Artifact locate(Artifact output, Map<String, String> variables) {
        if (output.git() != null || output.raw() != null || output.http() != null) {
            return output;
        }
        ArchiveStrategy archive = archiveOf(output);
        S3Source s3 = output.s3() != null ? output.s3() : S3Source.key(null);
        String key = s3.key();
        if (key == null || key.isBlank()) {
            key = ObjectKeys.join(KeyFormat.expand(keyFormat, variables), fileName(output, archive));
        }
        // A given key was substituted with the rest of its template, once; what it holds now may be
        // data (a parameter's value), which is never expanded again.
        String located = s3.bucket() != null ? s3.bucket() : bucket;
        S3Source resolved = new S3Source(s3.endpoint(), located, s3.region(), s3.insecure(), key,
                s3.accessKeySecret(), s3.secretKeySecret(), s3.useSDKCreds());
        return withArchive(output.withS3(resolved), archive);
    }

    /** The name Argo appends to the key format for an output without a key. */
    static String fileName(Artifact output, ArchiveStrategy archive) {
        return switch (archive.kind()) {
            case TAR -> output.name() + ".tgz";
            case ZIP -> output.name() + ".zip";
            case NONE -> {
                String path = output.path() == null ? "" : ObjectKeys.stripTrailingSlash(output.path());
                String base = path.substring(path.lastIndexOf('/') + 1);
                yield base.isEmpty() ? output.name() : base;
            }
        };
    }

    /** The artifact with an explicit archive strategy. */
    public static Artifact withArchive(Artifact a, ArchiveStrategy archive) {
        return new Artifact(a.name(), a.path(), a.from(), a.fromExpression(), a.mode(), a.optional(), a.globalName(),
                a.subPath(), archive, a.s3(), a.git(), a.raw(), a.http(), a.positions());
    }

    /**
     * An endpoint as a URI: a full URL is taken as it is; a bare {@code host[:port]} gets http when
     * insecure, https otherwise; null means AWS's own endpoint for the region (returns null).
     *
     * @throws IllegalArgumentException with {@link #endpointProblem}'s message, which never shows a
     *     password
     */
    public static URI endpointUri(String endpoint, boolean insecure) {
        if (endpoint == null || endpoint.isBlank()) {
            return null;
        }
        String problem = endpointProblem(endpoint);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return URI.create(endpoint.contains("://") ? endpoint : (insecure ? "http://" : "https://") + endpoint);
    }

    /**
     * What is wrong with an endpoint, in one sentence that names it without any user info, or null.
     * An S3 endpoint is a scheme (http or https), a host, a port and maybe a path: credentials in it
     * would be printed wherever the endpoint is, and a query string or fragment breaks request signing.
     */
    public static String endpointProblem(String endpoint) {
        if (endpoint == null || endpoint.isBlank()) {
            return null;
        }
        String shown = "S3 endpoint '" + shownEndpoint(endpoint) + "'";
        URI uri;
        try {
            uri = URI.create(endpoint.contains("://") ? endpoint : "https://" + endpoint);
        } catch (IllegalArgumentException e) {
            return shown + " is not a URL; give host[:port] or http(s)://host[:port]";
        }
        if (uri.getRawUserInfo() != null || uri.getRawAuthority() != null && uri.getRawAuthority().contains("@")) {
            return shown + " has a user name or password in it; S3 credentials come from AWS_ACCESS_KEY_ID and"
                    + " AWS_SECRET_ACCESS_KEY (or a profile, or the repository's credentials), never from the URL";
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return shown + " has a query string or fragment; give the scheme, host and port only, e.g."
                    + " https://minio.example.com:9000";
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
            return shown + " is not http or https";
        }
        if (uri.getHost() == null) {
            return shown + " has no host name";
        }
        return null;
    }

    /** An endpoint for messages: any user info (a password) replaced by {@code ***}. */
    public static String shownEndpoint(String endpoint) {
        return endpoint == null ? null : endpoint.replaceAll("(?<=://|^)[^/?#@]*@", "***@");
    }
}
