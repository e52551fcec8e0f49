package io.onepanel.workflow.template;

/**
 * An S3 location. Null fields are taken from the default artifact repository; Onepanel templates
 * usually give only the {@code key}.
 */
public record S3Source(
        String endpoint,
        String bucket,
        String region,
        Boolean insecure,
        String key,
        SecretKeyRef accessKeySecret,
        SecretKeyRef secretKeySecret,
        Boolean useSDKCreds) {

    public static S3Source key(String key) {
        return new S3Source(null, null, null, null, key, null, null, null);
    }

    public S3Source withKey(String newKey) {
        return new S3Source(endpoint, bucket, region, insecure, newKey, accessKeySecret, secretKeySecret, useSDKCreds);
    }
}
