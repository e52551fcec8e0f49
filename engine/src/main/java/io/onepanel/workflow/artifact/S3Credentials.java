package io.onepanel.workflow.artifact;

import io.onepanel.workflow.template.SecretKeyRef;
import java.util.Objects;

/**
 * Where an S3 repository's credentials come from. None of these ever prints a secret: {@link
 * StaticKeys#toString()} shows only that keys are set.
 */
public sealed interface S3Credentials {

    /** The AWS SDK's default provider chain (environment, profile, instance/pod identity). */
    record DefaultChain() implements S3Credentials {}

    /** Anonymous requests (public buckets, presigned URLs). */
    record Anonymous() implements S3Credentials {}

    /** Keys given directly (from the command line or environment variables). */
    record StaticKeys(String accessKeyId, String secretAccessKey) implements S3Credentials {

        public StaticKeys {
            Objects.requireNonNull(accessKeyId, "accessKeyId");
            Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        }

        @Override
        public String toString() {
            return "StaticKeys[accessKeyId=****, secretAccessKey=****]";
        }
    }

    /** Kubernetes secret references, resolved by the caller's {@link CredentialsResolver}. */
    record SecretRefs(SecretKeyRef accessKeySecret, SecretKeyRef secretKeySecret) implements S3Credentials {

        public SecretRefs {
            Objects.requireNonNull(accessKeySecret, "accessKeySecret");
            Objects.requireNonNull(secretKeySecret, "secretKeySecret");
        }
    }

    S3Credentials DEFAULT_CHAIN = new DefaultChain();
    S3Credentials ANONYMOUS = new Anonymous();
}
