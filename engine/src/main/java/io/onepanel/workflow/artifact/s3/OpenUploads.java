package io.onepanel.workflow.artifact.s3;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;

/**
 * The multipart uploads a client has begun and not yet completed or aborted. Cancelling the SDK's
 * upload future does not abort its multipart upload (2.42.0), which would leave its parts stored
 * (and billed) under the key; so a cancelled or failed store {@link #abandon abandons} its key and
 * every open upload under it is aborted, also one whose creation answers only after the abandonment.
 */
final class OpenUploads implements ExecutionInterceptor {

    private record Upload(String bucket, String key, String uploadId) {}

    private final Set<Upload> open = ConcurrentHashMap.newKeySet();
    /** bucket + '\0' + key prefix of abandoned stores. */
    private final Map<String, Boolean> abandoned = new ConcurrentHashMap<>();
    private volatile S3AsyncClient client;

    void client(S3AsyncClient aborter) {
        this.client = aborter;
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof CreateMultipartUploadRequest q
                && context.response() instanceof CreateMultipartUploadResponse r) {
            Upload u = new Upload(q.bucket(), q.key(), r.uploadId());
            open.add(u);
            if (isAbandoned(u)) {
                abort(u);
            }
        } else if (context.request() instanceof CompleteMultipartUploadRequest q) {
            open.remove(new Upload(q.bucket(), q.key(), q.uploadId()));
        } else if (context.request() instanceof AbortMultipartUploadRequest q) {
            open.remove(new Upload(q.bucket(), q.key(), q.uploadId()));
        }
    }

    /** A new store under {@code prefix} begins: its uploads are wanted again. */
    void begin(String bucket, String prefix) {
        abandoned.remove(bucket + '\0' + prefix);
    }

    /** Aborts (waiting at most a few seconds) every open upload of the key or under the prefix. */
    void abandon(String bucket, String prefix) {
        abandoned.put(bucket + '\0' + prefix, Boolean.TRUE);
        boolean interrupted = Thread.interrupted(); // a cancelled run still aborts, then stays cancelled
        try {
            open.stream().filter(this::isAbandoned).toList().forEach(this::abort);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean isAbandoned(Upload u) {
        for (String mark : abandoned.keySet()) {
            int split = mark.indexOf('\0');
            String bucket = mark.substring(0, split);
            String prefix = mark.substring(split + 1);
            if (u.bucket().equals(bucket) && (u.key().equals(prefix) || u.key().startsWith(prefix + "/"))) {
                return true;
            }
        }
        return false;
    }

    private void abort(Upload u) {
        S3AsyncClient c = client;
        if (c == null || !open.remove(u)) {
            return;
        }
        try {
            c.abortMultipartUpload(a -> a.bucket(u.bucket()).key(u.key()).uploadId(u.uploadId()))
                    .get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException bestEffort) {
            // the store already failed and says why; an unreachable server keeps nothing visible
        }
    }
}
