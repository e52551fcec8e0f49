package io.jenkins.plugins.onepanel.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.model.Run;
import hudson.slaves.Cloud;
import io.jenkins.plugins.onepanel.ArtifactRepository;
import io.jenkins.plugins.onepanel.OnepanelWorkflowConfiguration;
import io.jenkins.plugins.onepanel.WorkflowArguments;
import io.jenkins.plugins.onepanel.WorkflowParameter;
import java.time.Duration;
import java.util.Map;
import jenkins.model.Jenkins;
import org.csanchez.jenkins.plugins.kubernetes.KubernetesCloud;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * What one run uses, once the job's arguments and the administrator's configuration are put
 * together. Decided once when the run starts; nothing here is persisted (credentials least of all).
 *
 * @param cloud the Kubernetes cloud of task pods; null only when tasks run on the built-in node
 * @param namespace of task pods and {@code {{workflow.namespace}}}
 * @param repository the effective artifact repository, or null for none
 * @param workers how many tasks may have a pod at once: the run's parallelism
 */
public record RunSettings(
        @CheckForNull KubernetesCloud cloud,
        @NonNull String namespace,
        @CheckForNull String inheritFrom,
        @NonNull Map<String, String> parameters,
        @CheckForNull ArtifactRepository repository,
        @CheckForNull AwsCredentialsProvider credentials,
        @CheckForNull String keyPrefix,
        @NonNull Duration presignedUrlValidity,
        @NonNull Duration podStartTimeout,
        @CheckForNull Boolean failFast,
        int workers,
        boolean builtInNode) {

    @NonNull
    public static RunSettings resolve(
            @NonNull WorkflowArguments args, @NonNull OnepanelWorkflowConfiguration config, @NonNull Run<?, ?> build)
            throws AbortException {
        boolean builtInNode = BuiltInNodeTasks.enabled();
        KubernetesCloud cloud =
                cloud(args.getCloud() != null ? args.getCloud() : config.getDefaultCloud(), builtInNode);
        String namespace = args.getNamespace() != null
                ? args.getNamespace()
                : config.getNamespace() != null
                        ? config.getNamespace()
                        : cloud != null && cloud.getNamespace() != null ? cloud.getNamespace() : "default";

        ArtifactRepository override = args.getArtifactRepository();
        ArtifactRepository base = config.getArtifactRepository();
        ArtifactRepository repository = base == null ? override : base.overriding(override);
        if (repository != null && repository.getBucket() == null) {
            repository = null;
        }
        if (override != null
                && override.getEndpoint() != null
                && !config.endpointAllowList().allows(override.getEndpoint(), base == null ? null : base.getEndpoint())) {
            throw new AbortException("artifactRepository names the endpoint " + override.getEndpoint() + ", which the"
                    + " administrator has not allowed: the controller itself talks to the endpoint, so only endpoints"
                    + " listed under Manage Jenkins \u2192 System \u2192 Onepanel workflows \u2192 Allowed S3 endpoints"
                    + " may be named by a job.");
        }
        AwsCredentialsProvider credentials = null;
        if (repository != null) {
            if (args.getCredentialsId() != null) {
                credentials = S3Credentials.forBuild(args.getCredentialsId(), build);
            } else if (override != null && override.movesLocation()) {
                throw new AbortException("artifactRepository points to another bucket, endpoint or region ("
                        + repository + "), so it needs its own credentialsId: the administrator's credentials are"
                        + " only used with the configured repository.");
            } else {
                credentials = S3Credentials.forController(config.getCredentialsId());
            }
        }

        int max = config.getMaxParallelPods();
        Integer asked = args.getParallelism();
        int workers = asked != null && asked > 0 ? Math.min(asked, max) : max;
        return new RunSettings(
                cloud,
                namespace,
                args.getInheritFrom(),
                WorkflowParameter.toMap(args.getParameters()),
                repository,
                credentials,
                repository == null ? null : config.keyPrefixes().prefixOf(build.getParent().getFullName()),
                Duration.ofHours(config.getPresignedUrlHours()),
                args.getPodStartMinutes() == null
                        ? config.podStartTimeout()
                        : Duration.ofMinutes(Math.min(args.getPodStartMinutes(), config.getPodStartMinutes())),
                args.getFailFast(),
                workers,
                builtInNode);
    }

    @CheckForNull
    private static KubernetesCloud cloud(@CheckForNull String name, boolean builtInNode) throws AbortException {
        Jenkins jenkins = Jenkins.get();
        if (name == null) {
            KubernetesCloud first = jenkins.clouds.get(KubernetesCloud.class);
            if (first == null && !builtInNode) {
                throw new AbortException("There is no Kubernetes cloud to run task pods in: add one in Manage Jenkins"
                        + " \u2192 Clouds, or name one with cloud: '...'.");
            }
            return first;
        }
        Cloud cloud = jenkins.getCloud(name);
        if (cloud instanceof KubernetesCloud kubernetes) {
            return kubernetes;
        }
        if (builtInNode) {
            return null;
        }
        throw new AbortException(
                cloud == null
                        ? "There is no cloud named '" + name + "'."
                        : "The cloud '" + name + "' is not a Kubernetes cloud.");
    }
}
