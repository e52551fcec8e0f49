package io.onepanel.workflow.artifact;

import io.onepanel.workflow.template.SecretKeyRef;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Turns secret references in a template ({@code accessKeySecret}/{@code secretKeySecret},
 * {@code usernameSecret}/{@code passwordSecret}) into credentials. The command line resolves them
 * from the environment or files; the Jenkins plugin from Jenkins credentials. Implementations must
 * never put a secret's value into an exception message.
 */
public interface CredentialsResolver {

    /** AWS credentials for an access key / secret key reference pair. */
    AwsCredentialsProvider awsCredentials(SecretKeyRef accessKey, SecretKeyRef secretKey) throws ArtifactException;

    /** The value of one secret key (a git username, password or token). */
    default String secret(SecretKeyRef ref) throws ArtifactException {
        throw new ArtifactException("no credentials are configured for secret '" + ref.name() + "' key '" + ref.key() + "'");
    }

    /** Resolves nothing: every reference is an error naming the secret. */
    CredentialsResolver NONE = (accessKey, secretKey) -> {
        throw new ArtifactException("no credentials are configured for secret '" + accessKey.name() + "'");
    };
}
