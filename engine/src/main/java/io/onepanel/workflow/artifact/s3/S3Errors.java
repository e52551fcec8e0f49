package io.onepanel.workflow.artifact.s3;

import io.onepanel.workflow.artifact.ArtifactException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns SDK failures into one line a user can act on: wrong credentials, an unreachable endpoint,
 * a missing bucket, a missing key. Messages name the endpoint, bucket and key; never a secret, and
 * never the server's own text (which may echo an access key id).
 */
public final class S3Errors {

    private static final Set<String> CREDENTIAL_CODES = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch",
            "AccessDenied", "InvalidToken", "ExpiredToken", "TokenRefreshRequired", "AuthorizationHeaderMalformed",
            "InvalidSecurity", "RequestTimeTooSkewed");

    /** Where the SDK's default chain looks, in the order it looks; never a value. */
    static final String MISSING_CREDENTIALS = "no S3 credentials found: set AWS_ACCESS_KEY_ID and "
            + "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with ~/.aws/credentials, or run where a pod or instance role "
            + "provides them";

    private S3Errors() {}

    /**
     * The SDK's default chain found no credentials; its own message lists every provider and why
     * each failed (some 1,500 characters), which says less than one line naming where to put them.
     */
    static boolean isMissingCredentials(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SdkClientException && c.getMessage() != null
                    && c.getMessage().startsWith("Unable to load credentials")) {
                return true;
            }
        }
        return false;
    }

    public static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** Whether the failure says "this key (or bucket) is not there". */
    public static boolean isNotFound(Throwable t) {
        Throwable e = unwrap(t);
        return e instanceof NoSuchKeyException || (e instanceof S3Exception s && s.statusCode() == 404);
    }

    public static boolean isNoSuchBucket(Throwable t) {
        Throwable e = unwrap(t);
        return e instanceof NoSuchBucketException
                || (e instanceof S3Exception s && "NoSuchBucket".equals(code(s)));
    }

    /**
     * @param what what was being done, e.g. "artifact 'input': download"
     */
    public static ArtifactException describe(Throwable t, String what, S3Location at, int maxAttempts) {
        Throwable e = unwrap(t);
        if (e instanceof ArtifactException a) {
            return a;
        }
        String where = "bucket '" + at.bucket() + "' key '" + at.key() + "' at " + at.endpointName();
        if (e instanceof ParallelTransfers.Aborted aborted) {
            return new ArtifactException(what + ": " + aborted.getMessage() + " (" + where + ")");
        }
        if (e instanceof S3Exception s) {
            String code = code(s);
            if (s.statusCode() == 403 || code != null && CREDENTIAL_CODES.contains(code)) {
                return new ArtifactException(what + ": access denied to " + where + " ("
                        + (code == null ? "HTTP 403" : code) + "): check the S3 credentials and their permissions", e);
            }
            if ("NoSuchBucket".equals(code) || e instanceof NoSuchBucketException) {
                return new ArtifactException(what + ": bucket '" + at.bucket() + "' does not exist at "
                        + at.endpointName(), e);
            }
            if (s.statusCode() == 404) {
                return new ArtifactException(what + ": no object or prefix '" + at.key() + "' in bucket '"
                        + at.bucket() + "' at " + at.endpointName(), e);
            }
            if (s.statusCode() >= 500 && code == null) {
                return new ArtifactException(what + ": " + at.endpointName() + " answered HTTP " + s.statusCode()
                        + " after " + maxAttempts + (maxAttempts == 1 ? " attempt" : " attempts")
                        + " (a failure of the server, not of the request): is it up, and is it an S3 endpoint?", e);
            }
            return new ArtifactException(what + ": S3 error " + (code == null ? "" : code + " ") + "(HTTP "
                    + s.statusCode() + ") for " + where, e);
        }
        Throwable network = networkCause(e);
        if (network != null) {
            return new ArtifactException(what + ": cannot reach S3 endpoint " + at.endpointName() + " after "
                    + maxAttempts + (maxAttempts == 1 ? " attempt: " : " attempts: ") + network.getClass().getSimpleName()
                    + (network.getMessage() == null ? "" : " (" + firstLine(network.getMessage()) + ")"), e);
        }
        if (isMissingCredentials(e)) {
            return new ArtifactException(what + ": " + MISSING_CREDENTIALS, e);
        }
        if (e instanceof SdkClientException) {
            return new ArtifactException(what + ": S3 transfer failed for " + where + ": " + firstLine(e.getMessage()), e);
        }
        return new ArtifactException(what + ": failed for " + where + ": " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : " (" + firstLine(e.getMessage()) + ")"), e);
    }

    private static Throwable networkCause(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ConnectException || c instanceof UnknownHostException || c instanceof NoRouteToHostException
                    || c instanceof SocketTimeoutException || c instanceof UnresolvedAddressException
                    || c.getClass().getName().startsWith("io.netty.channel.ConnectTimeoutException")
                    || c.getClass().getName().endsWith("AnnotatedConnectException")) {
                return c;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    private static String code(S3Exception s) {
        return s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
