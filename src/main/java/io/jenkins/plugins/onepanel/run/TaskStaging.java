package io.jenkins.plugins.onepanel.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.remoting.RemoteOutputStream;
import hudson.remoting.VirtualChannel;
import io.jenkins.plugins.onepanel.ArtifactRepository;
import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.ArtifactStore;
import io.onepanel.workflow.artifact.CredentialsResolver;
import io.onepanel.workflow.artifact.RoutingArtifactStore;
import io.onepanel.workflow.artifact.S3Credentials;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.artifact.TransferProgress;
import io.onepanel.workflow.artifact.TransferSettings;
import io.onepanel.workflow.artifact.presign.Plans;
import io.onepanel.workflow.artifact.presign.Stager;
import io.onepanel.workflow.artifact.presign.StagingPlanner;
import io.onepanel.workflow.artifact.s3.S3ArtifactStore;
import io.onepanel.workflow.artifact.source.GitFetcher;
import io.onepanel.workflow.artifact.source.HttpFetcher;
import io.onepanel.workflow.artifact.source.RawFetcher;
import io.onepanel.workflow.pod.PodContract;
import io.onepanel.workflow.pod.StagerReport;
import io.onepanel.workflow.pod.StagingPlan;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.template.ArchiveStrategy;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.SecretKeyRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Serial;
import java.io.Serializable;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.security.MasterToSlaveCallable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The plugin's only use of the engine's {@code artifact} packages. The controller holds the keys and
 * signs, per attempt, presigned URLs with the engine's {@link StagingPlanner}; the agent container
 * of the task's pod runs the engine's pod-contract stager ({@link io.onepanel.workflow.pod.Stager})
 * over an {@link ArtifactStore} that moves bytes with the engine's keyless {@link Stager}, so bytes
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

    private TaskStaging(@CheckForNull S3ArtifactStore s3, @CheckForNull CredentialsResolver resolver, Duration validity) {
        this.s3 = s3;
        this.store = s3 == null
                ? null
                : new RoutingArtifactStore(s3, s3, new GitFetcher(resolver), new RawFetcher(), new HttpFetcher());
        this.planner = s3 == null ? null : new StagingPlanner(s3, validity);
    }

    /**
     * @param repository the effective repository, or null when none is configured
     * @param credentials used on the controller only; null for the AWS SDK's default chain
     */
    @NonNull
    static TaskStaging create(
            @CheckForNull ArtifactRepository repository,
            @CheckForNull AwsCredentialsProvider credentials,
            @NonNull Duration validity) {
        if (repository == null || repository.getBucket() == null) {
            return new TaskStaging(null, null, validity);
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
        return new TaskStaging(new S3ArtifactStore(engineRepository, resolver), resolver, validity);
    }

    /** The store to load and validate with when nothing is going to run. */
    @NonNull
    static ArtifactStore noRepository() {
        return NoRepository.INSTANCE;
    }

    /** What the engine gives output artifacts their locations with. */
    @NonNull
    ArtifactStore artifactStore() {
        return store != null ? store : NoRepository.INSTANCE;
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
        boolean s3Outputs = plan.outputs().stream().anyMatch(o -> o.git() == null && o.raw() == null && o.http() == null);
        if (s3Outputs && planner == null) {
            throw new ArtifactException(NoRepository.WHY);
        }
        return new Signed(plan, downloads, planner);
    }

    private StagingPlanner requirePlanner(Artifact artifact) throws ArtifactException {
        if (planner == null) {
            throw new ArtifactException("input artifact '" + artifact.name() + "': " + NoRepository.WHY);
        }
        return planner;
    }

    /**
     * Starts the stager role on the agent. Lines of the task's standard output go to {@code log}
     * and the stager's notes to {@code status}, one per line, both in UTF-8; cancelling the future
     * interrupts the stager.
     */
    @NonNull
    public Future<AgentOutcome> startOnAgent(
            @NonNull VirtualChannel agent,
            @NonNull Signed signed,
            @NonNull OutputStream log,
            @NonNull OutputStream status)
            throws IOException {
        OutputSigner signer = agent.export(OutputSigner.class, signed);
        return agent.callAsync(new AgentStager(
                signed.plan.toJson(),
                signed.downloads,
                signer,
                new RemoteOutputStream(log),
                new RemoteOutputStream(status)));
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
                stored.put(artifact, planner.complete(output(artifact), upload, new Plans.UploadReceipt(new HashMap<>(partETags))));
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

    /**
     * Runs in the agent container of the task's pod, which mounts the pod contract's exchange
     * volume at {@link PodContract#EXCHANGE_DIR}. Holds URLs that grant access until they expire, never keys.
     */
    private static final class AgentStager extends MasterToSlaveCallable<AgentOutcome, IOException> {
        @Serial
        private static final long serialVersionUID = 1L;

        private final String planJson;
        private final HashMap<String, Plans.DownloadPlan> downloads;
        private final OutputSigner signer;
        private final OutputStream log;
        private final OutputStream status;

        AgentStager(
                String planJson,
                HashMap<String, Plans.DownloadPlan> downloads,
                OutputSigner signer,
                OutputStream log,
                OutputStream status) {
            this.planJson = planJson;
            this.downloads = downloads;
            this.signer = signer;
            this.log = log;
            this.status = status;
        }

        @Override
        public AgentOutcome call() throws IOException {
            Path exchange = Path.of(PodContract.EXCHANGE_DIR);
            try (Writer logLines = new OutputStreamWriter(log, StandardCharsets.UTF_8);
                    Writer statusLines = new OutputStreamWriter(status, StandardCharsets.UTF_8);
                    Stager transfers = new Stager(4, 3);
                    StdoutFollower stdout =
                            new StdoutFollower(exchange.resolve(PodContract.STDOUT_FILE), logLines)) {
                LineListener listener = new LineListener(logLines, statusLines);
                stdout.start();
                StagerReport report = new io.onepanel.workflow.pod.Stager(
                                new PresignedStore(downloads, signer, transfers),
                                exchange,
                                Duration.ofMillis(200),
                                listener)
                        .run(StagingPlan.fromJson(planJson));
                return new AgentOutcome(report.toTaskResult());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("the task attempt was stopped");
            }
        }
    }

    /**
     * The artifact store of the agent: S3 inputs through their presigned download plans, S3 outputs
     * through upload plans the controller presigns on request; {@code raw:} and {@code http:}
     * inputs fetched directly, {@code git:} ones without credentials (public repositories).
     */
    private static final class PresignedStore implements ArtifactStore {
        private final Map<String, Plans.DownloadPlan> downloads;
        private final OutputSigner signer;
        private final Stager transfers;

        PresignedStore(Map<String, Plans.DownloadPlan> downloads, OutputSigner signer, Stager transfers) {
            this.downloads = downloads;
            this.signer = signer;
            this.transfers = transfers;
        }

        @Override
        public Artifact locate(Artifact output, Map<String, String> variables) {
            return output; // the plan's outputs are located on the controller
        }

        @Override
        public void fetch(Artifact input, Path target, TransferListener listener) throws ArtifactException {
            if (input.raw() != null) {
                new RawFetcher().fetch(input, target, listener);
            } else if (input.http() != null) {
                new HttpFetcher().fetch(input, target, listener);
            } else if (input.git() != null) {
                new GitFetcher(CredentialsResolver.NONE).fetch(input, target, listener);
            } else {
                Plans.DownloadPlan plan = downloads.get(input.name());
                if (plan == null) {
                    if (input.optional()) {
                        return;
                    }
                    throw new ArtifactException("input artifact '" + input.name() + "' was not signed");
                }
                transfers.fetch(plan, input, target, listener);
            }
        }

        @Override
        public Artifact store(Artifact output, Path source, TransferListener listener) throws ArtifactException {
            try (Stager.PreparedUpload prepared = transfers.prepare(output, source)) {
                if (prepared == null) {
                    if (output.optional()) {
                        return null;
                    }
                    throw new ArtifactException("output artifact '" + output.name() + "': nothing at " + output.path());
                }
                ArrayList<String> relatives = new ArrayList<>();
                List<Plans.ManifestFile> files = prepared.manifest().files();
                long[] sizes = new long[files.size()];
                for (int i = 0; i < sizes.length; i++) {
                    relatives.add(files.get(i).relative());
                    sizes[i] = files.get(i).size();
                }
                Plans.UploadPlan plan;
                try {
                    plan = signer.plan(
                            output.name(), relatives, sizes, new ArrayList<>(prepared.manifest().emptyDirectories()));
                } catch (IOException e) {
                    throw new ArtifactException(e.getMessage(), e);
                }
                try {
                    Plans.UploadReceipt receipt = transfers.upload(plan, prepared, listener);
                    HashMap<String, ArrayList<String>> etags = new HashMap<>();
                    receipt.partETagsByUploadId().forEach((id, parts) -> etags.put(id, new ArrayList<>(parts)));
                    signer.complete(output.name(), etags);
                } catch (ArtifactException | IOException | RuntimeException e) {
                    signer.abort(output.name());
                    throw e instanceof ArtifactException a ? a : new ArtifactException(e.getMessage(), e);
                }
                return output;
            }
        }
    }

    /**
     * Follows the task container's standard output, which the pod contract's gate copies to
     * {@link PodContract#STDOUT_FILE} as it goes, into the log, line by line (stderr is not in it).
     */
    private static final class StdoutFollower implements AutoCloseable {
        private final Path file;
        private final Writer out;
        private final Thread thread;
        private volatile boolean closing;

        StdoutFollower(Path file, Writer out) {
            this.file = file;
            this.out = out;
            this.thread = new Thread(this::follow, "onepanel-stdout-follower");
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void follow() {
            byte[] buffer = new byte[8192];
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
            try {
                while (!Files.exists(file)) {
                    if (closing) {
                        return;
                    }
                    Thread.sleep(200);
                }
                try (InputStream in = Files.newInputStream(file)) {
                    while (true) {
                        int n = in.read(buffer);
                        if (n < 0) {
                            if (closing) {
                                break;
                            }
                            Thread.sleep(200);
                            continue;
                        }
                        for (int i = 0; i < n; i++) {
                            if (buffer[i] == '\n') {
                                LineListener.write(out, line.toString(StandardCharsets.UTF_8));
                                line.reset();
                            } else {
                                line.write(buffer[i]);
                            }
                        }
                    }
                }
                if (line.size() > 0) {
                    LineListener.write(out, line.toString(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                LineListener.write(out, "(the task's output could not be followed: " + e.getMessage() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            closing = true; // one last pass reads what is left, then the thread ends
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                thread.interrupt();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The engine's task listener, on the agent: one line per call, written through to the controller. */
    private static final class LineListener implements io.onepanel.workflow.runtime.TaskListener, TransferListener {
        private static final long PROGRESS_EVERY_NANOS = Duration.ofSeconds(5).toNanos();

        private final Writer log;
        private final Writer status;
        private final Map<String, Long> lastProgress = new HashMap<>();

        LineListener(Writer log, Writer status) {
            this.log = log;
            this.status = status;
        }

        @Override
        public void log(String line) {
            write(log, line);
        }

        @Override
        public void status(String message) {
            write(status, message);
        }

        @Override
        public void progress(TransferProgress p) {
            transfer(p);
        }

        @Override
        public void transfer(TransferProgress p) {
            long now = System.nanoTime();
            boolean done = p.bytesTotal() >= 0 && p.bytesDone() >= p.bytesTotal();
            Long last;
            synchronized (lastProgress) {
                last = lastProgress.get(p.artifact());
                if (!done && last != null && now - last < PROGRESS_EVERY_NANOS) {
                    return;
                }
                lastProgress.put(p.artifact(), now);
            }
            write(
                    status,
                    p.artifact() + ": " + p.bytesDone() + (p.bytesTotal() >= 0 ? "/" + p.bytesTotal() : "") + " bytes, "
                            + p.filesDone() + (p.filesTotal() >= 0 ? "/" + p.filesTotal() : "") + " files");
        }

        static void write(Writer out, String line) {
            synchronized (out) {
                try {
                    out.write(line);
                    out.write('\n');
                    out.flush();
                } catch (IOException e) {
                    // The controller side is gone (build aborted); the stager is being stopped too.
                }
            }
        }
    }

    /** Used when no repository is configured: outputs keep no location, and any transfer fails clearly. */
    private enum NoRepository implements ArtifactStore {
        INSTANCE;

        static final String WHY =
                "no S3 artifact repository is configured: set one in Manage Jenkins \u2192 System"
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
