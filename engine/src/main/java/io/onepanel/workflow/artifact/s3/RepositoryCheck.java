package io.onepanel.workflow.artifact.s3;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.ArtifactRepository;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The pre-flight check of an S3 artifact repository, run before the first task starts: one
 * authorised, cheap request (HeadBucket) with the repository's endpoint, region and credentials, so
 * that missing or wrong credentials, a missing bucket and an unreachable endpoint are told at once,
 * in one line each, instead of after tasks have run.
 */
final class RepositoryCheck {

    private RepositoryCheck() {}

    static void check(S3Connections connections, ArtifactRepository repository) throws ArtifactException {
        if (repository.bucket() == null || repository.bucket().isBlank()) {
            return;
        }
        URI endpoint;
        try {
            endpoint = ArtifactRepository.endpointUri(repository.endpoint(), repository.insecure());
        } catch (IllegalArgumentException e) {
            throw new ArtifactException(e.getMessage() + " (--s3-endpoint or ONEPANEL_S3_ENDPOINT)");
        }
        S3Location at = new S3Location(endpoint,
                repository.region() != null ? repository.region() : ArtifactRepository.DEFAULT_REGION,
                repository.pathStyle(), repository.credentials(), repository.bucket(), "");
        String what = "S3 artifact repository s3://" + at.bucket() + " at " + at.endpointName();
        S3Connections.Connection c = connections.get(at.connectionKey());
        CompletableFuture<?> head = c.client().headBucket(h -> h.bucket(at.bucket())
                .overrideConfiguration(o -> o.apiCallTimeout(c.settings().stallTimeout())));
        try {
            head.get();
        } catch (InterruptedException e) {
            // Ctrl-C or SIGTERM while the endpoint keeps us waiting: stop waiting at once.
            head.cancel(true);
            Thread.currentThread().interrupt();
            throw new ArtifactException(what + ": the check was interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = S3Errors.unwrap(e);
            if (cause instanceof S3Exception s && s.statusCode() == 404) {
                throw new ArtifactException(what + ": bucket '" + at.bucket() + "' does not exist (create it, or "
                        + "give another with --s3-bucket or ONEPANEL_S3_BUCKET)");
            }
            if (cause instanceof S3Exception s && s.statusCode() == 403) {
                throw new ArtifactException(what + ": access denied (HTTP 403): the credentials are wrong or may not "
                        + "read this bucket; check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the profile in use)");
            }
            if (cause instanceof S3Exception s && s.statusCode() == 301) {
                throw new ArtifactException(what + ": the bucket is in another region than "
                        + at.region() + "; give its region with --s3-region or ONEPANEL_S3_REGION");
            }
            ArtifactException described = S3Errors.describe(e, what, at, c.settings().maxAttempts());
            throw new ArtifactException(described.getMessage().replace(" key '' ", " "), described.getCause());
        }
    }
}
