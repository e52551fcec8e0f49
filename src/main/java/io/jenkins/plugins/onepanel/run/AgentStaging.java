package io.jenkins.plugins.onepanel.run;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.ArtifactStore;
import io.onepanel.workflow.artifact.CredentialsResolver;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.artifact.TransferProgress;
import io.onepanel.workflow.artifact.presign.Plans;
import io.onepanel.workflow.artifact.presign.Stager;
import io.onepanel.workflow.artifact.source.GitFetcher;
import io.onepanel.workflow.artifact.source.HttpFetcher;
import io.onepanel.workflow.artifact.source.RawFetcher;
import io.onepanel.workflow.pod.PodContract;
import io.onepanel.workflow.pod.StagerReport;
import io.onepanel.workflow.pod.StagingPlan;
import io.onepanel.workflow.template.Artifact;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Serial;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jenkins.security.MasterToSlaveCallable;

/**
 * The agent's side of {@link TaskStaging}: what runs in the agent container of the task's pod. It
 * plays the stager of the pod contract ({@link io.onepanel.workflow.pod.Stager}) over an artifact
 * store that moves bytes with presigned URLs only (downloads signed before the attempt, uploads
 * signed on request by the controller's {@link TaskStaging.OutputSigner}), follows the task's
 * standard output line by line, and sends back a {@link TaskStaging.AgentOutcome}. No key is ever here.
 */
final class AgentStaging {

    private AgentStaging() {}

    /** The callable the controller sends to the agent for one attempt. */
    static MasterToSlaveCallable<TaskStaging.AgentOutcome, IOException> callable(
            String planJson,
            HashMap<String, Plans.DownloadPlan> downloads,
            TaskStaging.OutputSigner signer,
            OutputStream log,
            OutputStream status) {
        return new AgentStager(planJson, downloads, signer, log, status);
    }

    /**
     * Runs in the agent container of the task's pod, which mounts the pod contract's exchange
     * volume at {@link PodContract#EXCHANGE_DIR}. Holds URLs that grant access until they expire, never keys.
     */
    private static final class AgentStager extends MasterToSlaveCallable<TaskStaging.AgentOutcome, IOException> {
        @Serial
        private static final long serialVersionUID = 1L;

        private final String planJson;
        private final HashMap<String, Plans.DownloadPlan> downloads;
        private final TaskStaging.OutputSigner signer;
        private final OutputStream log;
        private final OutputStream status;

        AgentStager(
                String planJson,
                HashMap<String, Plans.DownloadPlan> downloads,
                TaskStaging.OutputSigner signer,
                OutputStream log,
                OutputStream status) {
            this.planJson = planJson;
            this.downloads = downloads;
            this.signer = signer;
            this.log = log;
            this.status = status;
        }

        @Override
        public TaskStaging.AgentOutcome call() throws IOException {
            Path exchange = Path.of(PodContract.EXCHANGE_DIR);
            try (Writer logLines = new OutputStreamWriter(log, StandardCharsets.UTF_8);
                    Writer statusLines = new OutputStreamWriter(status, StandardCharsets.UTF_8);
                    Stager transfers = new Stager(4, 3);
                    StdoutFollower stdout = new StdoutFollower(exchange.resolve(PodContract.STDOUT_FILE), logLines)) {
                LineListener listener = new LineListener(logLines, statusLines);
                stdout.start();
                StagerReport report = new io.onepanel.workflow.pod.Stager(
                                new PresignedStore(downloads, signer, transfers),
                                exchange,
                                Duration.ofMillis(200),
                                listener)
                        .run(StagingPlan.fromJson(planJson));
                return new TaskStaging.AgentOutcome(report.toTaskResult());
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
        private final TaskStaging.OutputSigner signer;
        private final Stager transfers;

        PresignedStore(Map<String, Plans.DownloadPlan> downloads, TaskStaging.OutputSigner signer, Stager transfers) {
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
                            output.name(),
                            relatives,
                            sizes,
                            new ArrayList<>(prepared.manifest().emptyDirectories()));
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
}
