package io.onepanel.workflow.cli;

import io.onepanel.workflow.artifact.ArtifactRepository;
import io.onepanel.workflow.artifact.RoutingArtifactStore;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where artifacts go: a local directory by default, S3 when a bucket is given. */
final class ArtifactOptions {

    /** The bucket name of the local directory repository: artifacts land under DIR/local/KEY. */
    static final String LOCAL_BUCKET = "local";

    @Option(names = "--artifacts", paramLabel = "DIR", defaultValue = ".onepanel-workflow/artifacts",
            description = "The local artifact repository (default: ${DEFAULT-VALUE}); unused with --s3-bucket.")
    Path directory;

    @Option(names = "--s3-bucket", paramLabel = "BUCKET", defaultValue = "${env:ONEPANEL_S3_BUCKET}",
            description = "Use this S3 bucket as the artifact repository (env ONEPANEL_S3_BUCKET). Credentials "
                    + "come from the AWS default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profile, ...).")
    String bucket;

    @Option(names = "--s3-endpoint", paramLabel = "URL", defaultValue = "${env:ONEPANEL_S3_ENDPOINT}",
            description = "The S3 endpoint, host[:port] or URL; AWS when unset (env ONEPANEL_S3_ENDPOINT).")
    String endpoint;

    @Option(names = "--s3-region", paramLabel = "REGION", defaultValue = "${env:ONEPANEL_S3_REGION}",
            description = "The signing region (env ONEPANEL_S3_REGION; default us-east-1).")
    String region;

    @Option(names = "--s3-path-style", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Path-style URLs (http://host/bucket/key); on by default.")
    boolean pathStyle;

    @Option(names = "--s3-insecure", description = "Plain http when the endpoint has no scheme.")
    boolean insecure;

    boolean usesS3() {
        return bucket != null && !bucket.isBlank();
    }

    ArtifactRepository repository(String defaultBucket) {
        ArtifactRepository repo = ArtifactRepository.onepanel(usesS3() ? bucket : defaultBucket)
                .withPathStyle(pathStyle);
        if (endpoint != null && !endpoint.isBlank()) {
            repo = repo.withEndpoint(endpoint, insecure);
        }
        if (region != null && !region.isBlank()) {
            repo = repo.withRegion(region);
        }
        return repo;
    }

    RoutingArtifactStore store(EnvironmentCredentials credentials) {
        return usesS3() ? RoutingArtifactStore.s3(repository(null), credentials)
                : RoutingArtifactStore.local(directory.toAbsolutePath(), repository(LOCAL_BUCKET), credentials);
    }

    /** For people: where artifacts go, without credentials. */
    String describe() {
        return usesS3() ? "s3://" + bucket + (endpoint != null && !endpoint.isBlank()
                ? " at " + ArtifactRepository.shownEndpoint(endpoint) : "")
                : directory.toString();
    }
}
