package io.onepanel.workflow.cli;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.CredentialsResolver;
import io.onepanel.workflow.template.SecretKeyRef;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Resolves a template's secret references from environment variables: secret {@code my-secret} key
 * {@code access-key} is {@code MY_SECRET_ACCESS_KEY}. S3 key pairs that are not set fall back to the
 * AWS default credential chain. Messages name variables, never values.
 */
final class EnvironmentCredentials implements CredentialsResolver {

    private final Map<String, String> env;

    EnvironmentCredentials(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    static String variable(SecretKeyRef ref) {
        return (ref.name() + "_" + ref.key()).toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    @Override
    public AwsCredentialsProvider awsCredentials(SecretKeyRef accessKey, SecretKeyRef secretKey) {
        String id = env.get(variable(accessKey));
        String secret = env.get(variable(secretKey));
        if (id != null && secret != null) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret));
        }
        return DefaultCredentialsProvider.create();
    }

    @Override
    public String secret(SecretKeyRef ref) throws ArtifactException {
        String value = env.get(variable(ref));
        if (value == null) {
            throw new ArtifactException("secret '" + ref.name() + "' key '" + ref.key() + "' is not set: export "
                    + variable(ref));
        }
        return value;
    }
}
