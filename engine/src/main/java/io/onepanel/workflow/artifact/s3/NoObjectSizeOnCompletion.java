package io.onepanel.workflow.artifact.s3;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;

/**
 * Drops {@code x-amz-mp-object-size} from multipart completions. The SDK's multipart client
 * (2.42.0, {@code SdkPojoConversionUtils.toCompleteMultipartUploadRequest}) always sets it, and
 * S3-compatible servers that do not know the header refuse the whole request: stock S3Proxy answers
 * 501 NotImplemented, so every artifact of the multipart threshold or more failed there. The object's
 * integrity does not rest on it: each part is checked on upload (checksum or signed payload) and the
 * completion lists every part's ETag.
 */
final class NoObjectSizeOnCompletion implements ExecutionInterceptor {

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        if (context.request() instanceof CompleteMultipartUploadRequest complete && complete.mpuObjectSize() != null) {
            return complete.toBuilder().mpuObjectSize(null).build();
        }
        return context.request();
    }
}
