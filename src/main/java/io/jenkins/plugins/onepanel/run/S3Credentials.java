package io.jenkins.plugins.onepanel.run;

import com.cloudbees.jenkins.plugins.awscredentials.AmazonWebServicesCredentials;
import com.cloudbees.plugins.credentials.CredentialsMatcher;
import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.model.Run;
import hudson.security.ACL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import jenkins.model.Jenkins;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Turns Jenkins credentials into AWS SDK v2 credentials for the artifact repository. The keys stay
 * in the controller's memory: they sign URLs there and never go to a pod, a log or a file.
 *
 * <p>Two kinds are accepted: AWS credentials of the aws-credentials plugin (access key, optionally
 * an IAM role to assume) and username/password credentials holding an access key id and secret key,
 * which is what S3-compatible stores such as MinIO hand out.
 */
public final class S3Credentials {

    /** The credentials types that can hold S3 keys. */
    public static final CredentialsMatcher MATCHER = CredentialsMatchers.anyOf(
            CredentialsMatchers.instanceOf(AmazonWebServicesCredentials.class),
            CredentialsMatchers.instanceOf(StandardUsernamePasswordCredentials.class));

    /** STS role credentials last an hour by default; ask again well before. */
    private static final Duration ROLE_CREDENTIALS_REUSE = Duration.ofMinutes(15);

    private S3Credentials() {}

    /**
     * Credentials a job names: resolved in the build's context, so folder and user-scoped
     * credentials work, permissions of the user who triggered the build apply, and the use is
     * tracked as for any other step.
     */
    @NonNull
    static AwsCredentialsProvider forBuild(@NonNull String id, @NonNull Run<?, ?> build) throws AbortException {
        StandardCredentials credentials = CredentialsProvider.findCredentialById(id, StandardCredentials.class, build);
        if (credentials == null || !MATCHER.matches(credentials)) {
            throw new AbortException("No AWS or username/password credentials with id '" + id + "' are available to "
                    + build.getParent().getFullDisplayName());
        }
        return toProvider(credentials);
    }

    /** The administrator's credentials for the default repository, resolved as the system in the global scope. */
    @NonNull
    static AwsCredentialsProvider forController(@CheckForNull String id) throws AbortException {
        if (id == null) {
            return DefaultCredentialsProvider.builder().build();
        }
        StandardCredentials credentials = lookupGlobal(id);
        if (credentials == null) {
            throw new AbortException("The credentials '" + id + "' of the default artifact repository no longer exist"
                    + " or are not AWS or username/password credentials; see Manage Jenkins \u2192 System.");
        }
        return toProvider(credentials);
    }

    /** For form validation in the global configuration. */
    public static boolean existsForController(@NonNull String id) {
        return lookupGlobal(id) != null;
    }

    @CheckForNull
    private static StandardCredentials lookupGlobal(String id) {
        List<StandardCredentials> all = CredentialsProvider.lookupCredentialsInItemGroup(
                StandardCredentials.class, Jenkins.get(), ACL.SYSTEM2, List.of());
        return CredentialsMatchers.firstOrNull(all, CredentialsMatchers.allOf(CredentialsMatchers.withId(id), MATCHER));
    }

    @NonNull
    private static AwsCredentialsProvider toProvider(StandardCredentials credentials) {
        if (credentials instanceof StandardUsernamePasswordCredentials keys) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(
                    keys.getUsername(), keys.getPassword().getPlainText()));
        }
        return new AwsPluginCredentials((AmazonWebServicesCredentials) credentials);
    }

    /**
     * aws-credentials' own SDK v2 provider, with its result kept for a while: it assumes the IAM
     * role (a call to STS) each time it is asked, and every signature asks. Credentials without keys
     * mean "the controller's instance profile" there, so they fall back to the default chain.
     */
    private static final class AwsPluginCredentials implements AwsCredentialsProvider {
        private final AmazonWebServicesCredentials credentials;
        private AwsCredentials cached;
        private Instant cachedAt = Instant.MIN;

        AwsPluginCredentials(AmazonWebServicesCredentials credentials) {
            this.credentials = credentials;
        }

        @Override
        public synchronized AwsCredentials resolveCredentials() {
            Instant now = Instant.now();
            if (cached == null || now.isAfter(cachedAt.plus(ROLE_CREDENTIALS_REUSE))) {
                AwsCredentials resolved = credentials.resolveCredentials();
                cached = resolved != null
                        ? resolved
                        : DefaultCredentialsProvider.builder().build().resolveCredentials();
                cachedAt = now;
            }
            return cached;
        }

        @Override
        public String toString() {
            return "AWS credentials '" + credentials.getId() + "'"; // never the keys
        }
    }
}
