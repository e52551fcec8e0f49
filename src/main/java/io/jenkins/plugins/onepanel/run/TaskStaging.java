package io.jenkins.plugins.onepanel.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import io.jenkins.plugins.onepanel.ArtifactRepository;
import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.ArtifactStore;
import io.onepanel.workflow.artifact.CredentialsResolver;
import io.onepanel.workflow.artifact.RoutingArtifactStore;
import io.onepanel.workflow.artifact.S3Credentials;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.artifact.TransferSettings;
import io.onepanel.workflow.artifact.presign.Plans;
import io.onepanel.workflow.artifact.presign.StagingPlanner;
import io.onepanel.workflow.artifact.s3.S3ArtifactStore;
import io.onepanel.workflow.artifact.source.GitFetcher;
import io.onepanel.workflow.artifact.source.HttpFetcher;
import io.onepanel.workflow.artifact.source.RawFetcher;
import io.onepanel.workflow.pod.StagingPlan;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.template.ArchiveStrategy;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.SecretKeyRef;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The plugin's only use of the engine's {@code artifact} packages. The controller holds the keys and
 * signs, per attempt, presigned URLs with the engine's {@link StagingPlanner}; the agent container
 * of the task's pod runs the engine's pod-contract stager ({@link io.onepanel.workflow.pod.Stager})
 * over an {@link ArtifactStore} that moves bytes with the engine's keyless
 * {@link io.onepanel.workflow.artifact.presign.Stager} ({@link AgentStaging}), so bytes
 * go straight between the pod and S3 and no key ever enters the pod (as artifact-manager-s3 does).
 *
 * <p>Per attempt: the controller signs a download plan for every S3 input ({@link
 * StagingPlanner#planFetch}); on the agent, the stager stages the inputs, waits for the task's
 * container, reads output parameters, and for each output asks the controller, through an exported
 * {@link OutputSigner}, to presign its uploads ({@link StagingPlanner#planStore}, sending only
 * names and sizes), uploads, and has the controller complete them ({@link StagingPlanner#complete}).
 *
 * <p>The signer presigns only for the run's configured repository (the administrator's, or the
 * step's {@code artifactRepository} override with its own credentials): an artifact whose
 * {@code s3:} block names another bucket, endpoint, region or credentials is refused by the engine.
 *
 * <p>What crosses the channel: controller to agent, the pod's {@link StagingPlan} as JSON and the
 * engine's serializable {@link Plans} records; agent to controller (where Jenkins' JEP-200 class
 * filter refuses classes of bundled libraries), only JDK types and this plugin's classes.
 */
public final class TaskStaging implements AutoCloseable {

    private static final Logger LOGGER = Logger.getLogger(TaskStaging.class.getName());

    /** The secret reference that stands for the run's Jenkins credentials inside the engine. */
    private static final SecretKeyRef JENKINS_ACCESS_KEY = new SecretKeyRef("jenkins credentials", "access key id");

    private static final SecretKeyRef JENKINS_SECRET_KEY = new SecretKeyRef("jenkins credentials", "secret access key");

    @CheckForNull
    private final S3ArtifactStore s3;

    @CheckForNull
    private final RoutingArtifactStore store;

    @CheckForNull
    private final StagingPlanner planner;

    private TaskStaging(
            @CheckForNull S3ArtifactStore s3,
            @CheckForNull CredentialsResolver resolver,
            Duration validity,
            @CheckForNull String keyPrefix)
            throws ArtifactException {
        this.s3 = s3;
        this.store = s3 == null
                ? null
                : new RoutingArtifactStore(s3, s3, new GitFetcher(resolver), new RawFetcher(), new HttpFetcher());
        StagingPlanner signer = s3 == null ? null : new StagingPlanner(s3, validity);
        this.planner = signer == null || keyPrefix == null ? signer : signer.confinedTo(keyPrefix);
    }

    /**
     * @param repository the effective repository, or null when none is configured
     * @param credentials used on the controller only; null for the AWS SDK's default chain
     * @param keyPrefix the only keys the run may sign for (see {@link KeyPrefixes}), or null for the whole bucket
     */
    @NonNull
    static TaskStaging create(
            @CheckForNull ArtifactRepository repository,
            @CheckForNull AwsCredentialsProvider credentials,
            @NonNull Duration validity,
            @CheckForNull String keyPrefix)
            throws ArtifactException {
        if (repository == null || repository.getBucket() == null) {
            return new TaskStaging(null, null, validity, null);
        }
        S3Credentials keys = credentials == null
                ? S3Credentials.DEFAULT_CHAIN
                : new S3Credentials.SecretRefs(JENKINS_ACCESS_KEY, JENKINS_SECRET_KEY);
        CredentialsResolver resolver = (accessKey, secretKey) -> {
            if (credentials != null && JENKINS_ACCESS_KEY.equals(accessKey) && JENKINS_SECRET_KEY.equals(secretKey)) {
                return credentials;
            }
            throw new ArtifactException("secret '" + accessKey.name() + "': templates cannot name credentials in"
                    + " Jenkins; S3 credentials come from the artifact repository's credentialsId");
        };
        io.onepanel.workflow.artifact.ArtifactRepository engineRepository =
                new io.onepanel.workflow.artifact.ArtifactRepository(
                        repository.getBucket(),
                        repository.getEndpoint(),
                        repository.getRegion(),
                        repository.isPathStyle(),
                        repository.isInsecure(),
                        repository.effectiveKeyFormat(),
                        ArchiveStrategy.NONE,
                        keys,
                        TransferSettings.DEFAULT);
        return new TaskStaging(new S3ArtifactStore(engineRepository, resolver), resolver, validity, keyPrefix);
    }

    /** The store to load and validate with when nothing is going to run. */
    @NonNull
    static ArtifactStore noRepository() {
        return NoRepository.INSTANCE;
    }

    /**
     * What the engine gives output artifacts their locations with: the signer's, so that an output
     * without a key of its own gets one below the run's key prefix.
     */
    @NonNull
    ArtifactStore artifactStore() {
        if (store == null) {
            return NoRepository.INSTANCE;
        }
        RoutingArtifactStore routing = store;
        StagingPlanner signer = planner;
        return new ArtifactStore() {
            @Override
            public Artifact locate(Artifact output, Map<String, String> variables) {
                return goesToS3(output) ? signer.locate(output, variables) : routing.locate(output, variables);
            }

            @Override
            public void fetch(Artifact input, Path target, TransferListener l)
                    throws ArtifactException {
                routing.fetch(input, target, l);
            }

            @Override
            public Artifact store(Artifact output, Path source, TransferListener l)
                    throws ArtifactException {
                return routing.store(output, source, l);
            }
        };
    }

    /**
     * Signs the inputs of one attempt's plan, just before its pod runs, so the URLs live as long as
     * configured from then; outputs are signed when the agent has them.
     */
    @NonNull
    public Signed sign(@NonNull StagingPlan plan) throws ArtifactException {
        HashMap<String, Plans.DownloadPlan> downloads = new HashMap<>();
        for (Artifact input : plan.inputs()) {
            if (input.s3() != null) {
                downloads.put(input.name(), requirePlanner(input).planFetch(input));
            }
        }
        StagingPlan staged = plan;
        if (planner == null && plan.outputs().stream().anyMatch(TaskStaging::goesToS3)) {
            Artifact required = plan.outputs().stream()
                    .filter(o -> goesToS3(o) && !o.optional())
                    .findFirst()
                    .orElse(null);
            if (required != null) {
                throw new ArtifactException("output artifact '" + required.name() + "': " + NoRepository.WHY);
            }
            // Optional outputs (Onepanel's sys-metrics, which every task has) have nowhere to go: they are
            // left out, as if the task had not written them.
            staged = new StagingPlan(
                    plan.inputs(),
                    plan.outputs().stream().filter(o -> !goesToS3(o)).toList(),
                    plan.outputParameters());
        }
        return new Signed(staged, downloads, planner);
    }

    private static boolean goesToS3(Artifact output) {
        return output.git() == null && output.raw() == null && output.http() == null;
    }

    private StagingPlanner requirePlanner(Artifact artifact) throws ArtifactException {
        if (planner == null) {
            throw new ArtifactException("input artifact '" + artifact.name() + "': " + NoRepository.WHY);
        }
        return planner;
    }

    @Override
    public void close() {
        if (s3 != null) {
            try {
                s3.close();
            } catch (RuntimeException e) {
                LOGGER.log(Level.FINE, "could not close the S3 client", e);
            }
        }
    }

    /**
     * What the agent calls back on the controller for each output: presign its uploads, complete
     * them, or abort them. Arguments are JDK types only (they are deserialized on the controller).
     */
    public interface OutputSigner {
        /** @param sizes the size of each of {@code relatives}, in order */
        Plans.UploadPlan plan(String artifact, ArrayList<String> relatives, long[] sizes, ArrayList<String> emptyDirs)
                throws IOException;

        void complete(String artifact, HashMap<String, ArrayList<String>> partETags) throws IOException;

        void abort(String artifact);
    }

    /** The controller's side of one attempt: its plan, its signed inputs, and the outputs it stored. */
    public static final class Signed implements OutputSigner {
        private final StagingPlan plan;
        private final HashMap<String, Plans.DownloadPlan> downloads;

        @CheckForNull
        private final StagingPlanner planner;

        private final Map<String, Plans.UploadPlan> uploads = new ConcurrentHashMap<>();
        private final Map<String, Artifact> stored = new ConcurrentHashMap<>();

        Signed(StagingPlan plan, HashMap<String, Plans.DownloadPlan> downloads, @CheckForNull StagingPlanner planner) {
            this.plan = plan;
            this.downloads = downloads;
            this.planner = planner;
        }

        /** What the agent stages, as the pod contract's JSON. */
        String planJson() {
            return plan.toJson();
        }

        /** The presigned downloads of the inputs, by input name. */
        HashMap<String, Plans.DownloadPlan> downloads() {
            return downloads;
        }

        private Artifact output(String artifact) throws IOException {
            return plan.outputs().stream()
                    .filter(o -> o.name().equals(artifact))
                    .findFirst()
                    .orElseThrow(() -> new IOException("the attempt has no output artifact '" + artifact + "'"));
        }

        @Override
        public Plans.UploadPlan plan(
                String artifact, ArrayList<String> relatives, long[] sizes, ArrayList<String> emptyDirs)
                throws IOException {
            if (planner == null || relatives.size() != sizes.length) {
                throw new IOException("output artifact '" + artifact + "': " + NoRepository.WHY);
            }
            List<Plans.ManifestFile> files = new ArrayList<>();
            for (int i = 0; i < sizes.length; i++) {
                files.add(new Plans.ManifestFile(relatives.get(i), sizes[i]));
            }
            try {
                Plans.UploadPlan upload =
                        planner.planStore(output(artifact), new Plans.UploadManifest(artifact, files, emptyDirs));
                uploads.put(artifact, upload);
                return upload;
            } catch (ArtifactException e) {
                throw new IOException(e.getMessage());
            }
        }

        @Override
        public void complete(String artifact, HashMap<String, ArrayList<String>> partETags) throws IOException {
            Plans.UploadPlan upload = uploads.get(artifact);
            if (planner == null || upload == null) {
                throw new IOException("output artifact '" + artifact + "' was not planned");
            }
            try {
                stored.put(
                        artifact,
                        planner.complete(output(artifact), upload, new Plans.UploadReceipt(new HashMap<>(partETags))));
            } catch (ArtifactException e) {
                throw new IOException(e.getMessage());
            }
        }

        @Override
        public void abort(String artifact) {
            Plans.UploadPlan upload = uploads.remove(artifact);
            if (planner != null && upload != null) {
                try {
                    planner.abort(upload, output(artifact));
                } catch (IOException e) {
                    LOGGER.log(Level.FINE, "could not abort " + artifact, e);
                }
            }
        }

        /** The engine's result of an attempt from what the agent reported and what the controller stored. */
        @NonNull
        public TaskResult toResult(@NonNull AgentOutcome outcome) {
            List<Artifact> outputs = outcome.storedOutputs.stream()
                    .map(stored::get)
                    .filter(a -> a != null)
                    .toList();
            return new TaskResult(
                    io.onepanel.workflow.runtime.TaskPhase.valueOf(outcome.phase),
                    outcome.exitCode,
                    outcome.message,
                    outcome.result,
                    outcome.outputParameters,
                    outputs);
        }
    }

    /**
     * What the agent sends back. Only JDK types and this class cross the channel: classes of
     * bundled libraries such as the engine are refused by Jenkins' remoting class filter (JEP-200),
     * classes defined by the plugin are allowed.
     */
    public static final class AgentOutcome implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        final String phase;
        final Integer exitCode;
        final String message;
        final String result;
        final HashMap<String, String> outputParameters;
        final ArrayList<String> storedOutputs;

        AgentOutcome(TaskResult r) {
            this.phase = r.phase().name();
            this.exitCode = r.exitCode();
            this.message = r.message();
            this.result = r.result();
            this.outputParameters = new HashMap<>(r.outputParameters());
            this.storedOutputs = new ArrayList<>(
                    r.outputArtifacts().stream().map(Artifact::name).toList());
        }
    }

    /** Used when no repository is configured: outputs keep no location, and any transfer fails clearly. */
    private enum NoRepository implements ArtifactStore {
        INSTANCE;

        static final String WHY = "no S3 artifact repository is configured: set one in Manage Jenkins \u2192 System"
                + " \u2192 Onepanel workflows, or give the step artifactRepository and credentialsId";

        @Override
        public Artifact locate(Artifact output, Map<String, String> variables) {
            return output;
        }

        @Override
        public void fetch(Artifact input, Path target, TransferListener listener) throws ArtifactException {
            throw new ArtifactException("input artifact '" + input.name() + "': " + WHY);
        }

        @Override
        public Artifact store(Artifact output, Path source, TransferListener listener) throws ArtifactException {
            throw new ArtifactException("output artifact '" + output.name() + "': " + WHY);
        }
    }
}
