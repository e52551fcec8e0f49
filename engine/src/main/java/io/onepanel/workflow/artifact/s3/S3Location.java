package io.onepanel.workflow.artifact.s3;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.ArtifactRepository;
import io.onepanel.workflow.artifact.ObjectKeys;
import io.onepanel.workflow.artifact.S3Credentials;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.S3Source;
import java.net.URI;

/**
 * Where one artifact lives in S3, after merging its {@code s3:} fields over the default repository:
 * the artifact's bucket, endpoint, region, insecure and credential references win; whatever it leaves
 * out comes from the repository.
 *
 * @param endpoint null for AWS itself
 * @param key checked (no {@code ..}, not absolute), without a trailing slash, {@code subPath} applied
 */
public record S3Location(URI endpoint, String region, boolean pathStyle, S3Credentials credentials, String bucket,
        String key) {

    public S3Connections.Key connectionKey() {
        return new S3Connections.Key(endpoint, region, pathStyle, credentials);
    }

    /** The endpoint as people know it, for messages. */
    public String endpointName() {
        return endpoint == null ? "AWS S3 (" + region + ")" : endpoint.toString();
    }

    /** {@code s3://bucket/key}, for messages. */
    public String url() {
        return "s3://" + bucket + "/" + key;
    }

    public static S3Location of(Artifact artifact, ArtifactRepository repository) throws ArtifactException {
        S3Source s3 = artifact.s3();
        if (s3 == null || s3.key() == null || s3.key().isBlank()) {
            throw new ArtifactException("artifact '" + artifact.name() + "' has no S3 key; outputs must be located first");
        }
        String bucket = s3.bucket() != null && !s3.bucket().isBlank() ? s3.bucket() : repository.bucket();
        if (bucket == null || bucket.isBlank()) {
            throw new ArtifactException("artifact '" + artifact.name()
                    + "' names no bucket and the artifact repository has no default bucket");
        }
        String endpoint = s3.endpoint() != null && !s3.endpoint().isBlank() ? s3.endpoint() : repository.endpoint();
        boolean insecure = s3.insecure() != null ? s3.insecure() : repository.insecure();
        String region = s3.region() != null && !s3.region().isBlank() ? s3.region()
                : repository.region() != null ? repository.region() : ArtifactRepository.DEFAULT_REGION;
        S3Credentials credentials;
        if (s3.accessKeySecret() != null && s3.secretKeySecret() != null) {
            credentials = new S3Credentials.SecretRefs(s3.accessKeySecret(), s3.secretKeySecret());
        } else if (Boolean.TRUE.equals(s3.useSDKCreds())) {
            credentials = S3Credentials.DEFAULT_CHAIN;
        } else {
            credentials = repository.credentials();
        }
        String key = ObjectKeys.check(s3.key());
        if (artifact.subPath() != null && !artifact.subPath().isBlank()) {
            key = ObjectKeys.check(ObjectKeys.join(key, artifact.subPath()));
        }
        URI uri;
        try {
            uri = ArtifactRepository.endpointUri(endpoint, insecure);
        } catch (IllegalArgumentException e) {
            throw new ArtifactException("artifact '" + artifact.name() + "': " + e.getMessage());
        }
        return new S3Location(uri, region, repository.pathStyle(), credentials, bucket, key);
    }
}
