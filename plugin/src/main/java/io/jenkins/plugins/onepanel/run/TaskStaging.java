package io.jenkins.plugins.onepanel.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.remoting.RemoteOutputStream;
import hudson.remoting.VirtualChannel;
import io.jenkins.plugins.onepanel.ArtifactRepository;
import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.ArtifactStore;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.artifact.TransferProgress;
import io.onepanel.workflow.artifact.s3.PresignedStager;
import io.onepanel.workflow.artifact.s3.S3ArtifactStore;
import io.onepanel.workflow.artifact.s3.S3Repository;
import io.onepanel.workflow.artifact.s3.StagingPlan;
import io.onepanel.workflow.artifact.s3.StagingSigner;
import io.onepanel.workflow.runtime.TaskPhase;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.template.Artifact;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Serial;
import java.io.Serializable;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.security.MasterToSlaveCallable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The plugin's only use of the engine's S3 artifact package. The controller holds the keys and
 * signs, per attempt, a staging plan of presigned URLs; the agent container of the task's pod runs
 * the engine's stager with that plan over plain HTTPS, so bytes go straight between the pod and S3
 * and no key ever enters the pod (as artifact-manager-s3 does for agents).
 *
 * <p>Engine API assumed here (issue 3, being written; reconcile in this class only):
 * <ul>
 *   <li>{@code record S3Repository(String endpoint, String bucket, String region, boolean pathStyle,
 *       boolean insecure, String keyFormat)};</li>
 *   <li>{@code S3ArtifactStore(S3Repository, AwsCredentialsProvider)}: an {@link ArtifactStore}
 *       and {@link AutoCloseable};</li>
 *   <li>{@code StagingSigner(S3ArtifactStore store, Duration validity)} ({@code store} null when no
 *       repository is configured: tasks without S3 artifacts still get a plan for the pod
 *       contract) and {@code StagingPlan sign(TaskRequest) throws ArtifactException};</li>
 *   <li>{@code StagingPlan.toJson()}, {@code static StagingPlan.fromJson(String)} and
 *       {@code List<Artifact> StagingPlan.outputs()} (the attempt's outputs at their final locations);</li>
 *   <li>{@code PresignedStager(StagingPlan)} and {@code TaskResult run(TaskListener) throws IOException,
 *       InterruptedException}: the whole stager role of the staging contract, run in the agent
 *       container (stage inputs, release the task's container, follow its log, wait for its exit
 *       code, store outputs, read output parameters).</li>
 * </ul>
 */
public final class TaskStaging implements AutoCloseable {

    private static final Logger LOGGER = Logger.getLogger(TaskStaging.class.getName());

    @CheckForNull
    private final S3ArtifactStore store;

    private final StagingSigner signer;

    private TaskStaging(@CheckForNull S3ArtifactStore store, Duration validity) {
        this.store = store;
        this.signer = new StagingSigner(store, validity);
    }

    /**
     * @param repository the effective repository, or null when none is configured
     * @param credentials used on the controller only; null only without a repository
     */
    @NonNull
    static TaskStaging create(
            @CheckForNull ArtifactRepository repository,
            @CheckForNull AwsCredentialsProvider credentials,
            @NonNull Duration validity) {
        if (repository == null || repository.getBucket() == null) {
            return new TaskStaging(null, validity);
        }
        S3Repository s3 = new S3Repository(
                repository.getEndpoint(),
                repository.getBucket(),
                repository.getRegion(),
                repository.isPathStyle(),
                repository.isInsecure(),
                repository.effectiveKeyFormat());
        return new TaskStaging(new S3ArtifactStore(s3, credentials), validity);
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

    /** Signs the plan of one attempt, just before its pod runs, so the URLs live as long as configured from then. */
    @NonNull
    public StagingPlan sign(@NonNull TaskRequest request) throws ArtifactException {
        return signer.sign(request);
    }

    /**
     * Starts the stager role on the agent. Log lines of the task's container go to {@code log} and
     * the stager's notes to {@code status}, one per line, both in UTF-8; cancelling the future
     * interrupts the stager (and with it the task's container, through the staging contract).
     */
    @NonNull
    public Future<AgentOutcome> startOnAgent(
            @NonNull VirtualChannel agent,
            @NonNull StagingPlan plan,
            @NonNull OutputStream log,
            @NonNull OutputStream status)
            throws IOException {
        return agent.callAsync(
                new AgentStager(plan.toJson(), new RemoteOutputStream(log), new RemoteOutputStream(status)));
    }

    /** The engine's result of an attempt from what the agent reported. */
    @NonNull
    public static TaskResult toResult(@NonNull StagingPlan plan, @NonNull AgentOutcome outcome) {
        List<Artifact> stored = plan.outputs().stream()
                .filter(artifact -> outcome.storedOutputs.contains(artifact.name()))
                .toList();
        return new TaskResult(
                TaskPhase.valueOf(outcome.phase),
                outcome.exitCode,
                outcome.message,
                outcome.result,
                outcome.outputParameters,
                stored);
    }

    @Override
    public void close() {
        if (store != null) {
            try {
                store.close();
            } catch (Exception e) {
                LOGGER.log(Level.FINE, "could not close the S3 client", e);
            }
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

    /** Runs in the agent container of the task's pod. Holds URLs that grant access until they expire, never keys. */
    private static final class AgentStager extends MasterToSlaveCallable<AgentOutcome, IOException> {
        @Serial
        private static final long serialVersionUID = 1L;

        private final String planJson;
        private final OutputStream log;
        private final OutputStream status;

        AgentStager(String planJson, OutputStream log, OutputStream status) {
            this.planJson = planJson;
            this.log = log;
            this.status = status;
        }

        @Override
        public AgentOutcome call() throws IOException {
            try (Writer logLines = new OutputStreamWriter(log, StandardCharsets.UTF_8);
                    Writer statusLines = new OutputStreamWriter(status, StandardCharsets.UTF_8)) {
                LineListener listener = new LineListener(logLines, statusLines);
                TaskResult result = new PresignedStager(StagingPlan.fromJson(planJson)).run(listener);
                return new AgentOutcome(result);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("the task attempt was stopped");
            }
        }
    }

    /** The engine's task listener, on the agent: one line per call, written through to the controller. */
    private static final class LineListener implements io.onepanel.workflow.runtime.TaskListener {
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

        private static void write(Writer out, String line) {
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

        private static final String WHY =
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
