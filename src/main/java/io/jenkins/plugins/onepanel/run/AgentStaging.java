package io.jenkins.plugins.onepanel.run;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.ArtifactStore;
import io.onepanel.workflow.artifact.CredentialsResolver;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.artifact.TransferProgress;
import io.onepanel.workflow.artifact.files.LinkFreePath;
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
import java.io.Serializable;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jenkins.security.MasterToSlaveCallable;

/**
 * The agent's side of {@link TaskStaging}: what runs in the agent container of the task's pod, as three
 * short calls the controller makes one after the other ({@link AgentAttempt}). Each does one step of
 * the engine's stager ({@link io.onepanel.workflow.pod.Stager}) over the pod contract's exchange
 * volume, and each may be made again after the agent reconnected, because the exchange directory's
 * markers say how far the attempt got: inputs are staged once, the task's output is read from an
 * offset, outputs are stored anew. Nothing here outlives a call, so a dropped connection loses
 * nothing but the call in flight; the task's container keeps running meanwhile.
 *
 * <p>Bytes move with presigned URLs only (downloads signed before the attempt, uploads signed on
 * request by the controller's {@link TaskStaging.OutputSigner}); no key is ever on the agent.
 */
final class AgentStaging {

    /** The most of the task's output one {@link Follow} call brings back. */
    static final int FOLLOW_CHUNK = 256 * 1024;

    private AgentStaging() {}

    /** Stages the inputs; returns null once they are staged (now or earlier), else why they cannot be. */
    static MasterToSlaveCallable<String, IOException> stageInputs(
            String planJson, HashMap<String, Plans.DownloadPlan> downloads, OutputStream status) {
        return new StageInputs(planJson, downloads, status);
    }

    /** The task's standard output from {@code offset}, and whether its command has ended. */
    static MasterToSlaveCallable<Output, IOException> follow(long offset) {
        return new Follow(offset);
    }

    /** Reads what the task left and stores its outputs, once its command has ended. */
    static MasterToSlaveCallable<TaskStaging.AgentOutcome, IOException> collect(
            String planJson, TaskStaging.OutputSigner signer, OutputStream status) {
        return new Collect(planJson, signer, status);
    }

    /**
     * A piece of the task's standard output. Only JDK types and this plugin's classes cross the
     * channel (JEP-200 refuses the engine's, a bundled library's, on the controller).
     *
     * @param bytes whole lines (up to {@link #FOLLOW_CHUNK}), or the rest once {@code mainDone}
     * @param next the offset to ask from next time
     * @param mainDone whether the command had ended before the bytes were read, so they are the last
     */
    record Output(byte[] bytes, long next, boolean mainDone) implements Serializable {}

    private static Path exchange() {
        return Path.of(PodContract.EXCHANGE_DIR);
    }

    private static io.onepanel.workflow.pod.Stager stager(ArtifactStore store, Writer status) {
        return new io.onepanel.workflow.pod.Stager(store, exchange(), Duration.ofMillis(200), new Notes(status));
    }

    private static final class StageInputs extends MasterToSlaveCallable<String, IOException> {
        @Serial
        private static final long serialVersionUID = 1L;

        private final String planJson;
        private final HashMap<String, Plans.DownloadPlan> downloads;
        private final OutputStream status;

        StageInputs(String planJson, HashMap<String, Plans.DownloadPlan> downloads, OutputStream status) {
            this.planJson = planJson;
            this.downloads = downloads;
            this.status = status;
        }

        @Override
        public String call() throws IOException {
            try (Writer notes = new OutputStreamWriter(status, StandardCharsets.UTF_8);
                    Stager transfers = new Stager(4, 3)) {
                StagerReport failed = stager(new PresignedStore(downloads, null, transfers), notes)
                        .stageInputs(StagingPlan.fromJson(planJson));
                return failed == null ? null : failed.message();
            }
        }
    }

    private static final class Follow extends MasterToSlaveCallable<Output, IOException> {
        @Serial
        private static final long serialVersionUID = 1L;

        private final long offset;

        Follow(long offset) {
            this.offset = offset;
        }

        @Override
        public Output call() throws IOException {
            boolean done = stager(null, Writer.nullWriter()).mainDone();
            Path stdout = LinkFreePath.resolvedOnce(exchange()).resolve(PodContract.STDOUT_FILE);
            byte[] read;
            try (SeekableByteChannel channel = LinkFreePath.open(stdout)) {
                channel.position(offset);
                try (InputStream in = Channels.newInputStream(channel)) {
                    read = in.readNBytes(FOLLOW_CHUNK);
                }
            } catch (NoSuchFileException notYet) {
                read = new byte[0];
            }
            int whole = read.length;
            if (!done || read.length == FOLLOW_CHUNK) {
                // Only whole lines, unless the command has ended and this is the rest: a line that is
                // still being written is read again, whole, next time.
                whole = lastLineBreak(read) + 1;
                if (whole == 0 && read.length == FOLLOW_CHUNK) {
                    whole = read.length; // one line longer than a chunk goes in pieces
                }
            }
            byte[] bytes = whole == read.length ? read : java.util.Arrays.copyOf(read, whole);
            boolean all = done && whole == read.length && read.length < FOLLOW_CHUNK;
            return new Output(bytes, offset + whole, all);
        }

        private static int lastLineBreak(byte[] bytes) {
            for (int i = bytes.length - 1; i >= 0; i--) {
                if (bytes[i] == '\n') {
                    return i;
                }
            }
            return -1;
        }
    }

    private static final class Collect extends MasterToSlaveCallable<TaskStaging.AgentOutcome, IOException> {
        @Serial
        private static final long serialVersionUID = 1L;

        private final String planJson;
        private final TaskStaging.OutputSigner signer;
        private final OutputStream status;

        Collect(String planJson, TaskStaging.OutputSigner signer, OutputStream status) {
            this.planJson = planJson;
            this.signer = signer;
            this.status = status;
        }

        @Override
        public TaskStaging.AgentOutcome call() throws IOException {
            try (Writer notes = new OutputStreamWriter(status, StandardCharsets.UTF_8);
                    Stager transfers = new Stager(4, 3)) {
                StagerReport report = stager(new PresignedStore(new HashMap<>(), signer, transfers), notes)
                        .collect(StagingPlan.fromJson(planJson));
                if (Thread.interrupted()) {
                    throw new InterruptedIOException("the task attempt was stopped");
                }
                return new TaskStaging.AgentOutcome(report.toTaskResult());
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
            try (Stager.PreparedUpload prepared = transfers.prepare(output, source, LinkFreePath.resolvedOnce(exchange()))) {
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

    /** Transfer progress of the stager, as notes for the build log: at most one per artifact every few seconds. */
    private static final class Notes implements TransferListener {
        private static final long EVERY_NANOS = Duration.ofSeconds(5).toNanos();

        private final Writer out;
        private final Map<String, Long> last = new HashMap<>();

        Notes(Writer out) {
            this.out = out;
        }

        @Override
        public void progress(TransferProgress p) {
            long now = System.nanoTime();
            boolean done = p.bytesTotal() >= 0 && p.bytesDone() >= p.bytesTotal();
            synchronized (last) {
                Long before = last.get(p.artifact());
                if (!done && before != null && now - before < EVERY_NANOS) {
                    return;
                }
                last.put(p.artifact(), now);
            }
            write(p.artifact() + ": " + p.bytesDone() + (p.bytesTotal() >= 0 ? "/" + p.bytesTotal() : "")
                    + " bytes, " + p.filesDone() + (p.filesTotal() >= 0 ? "/" + p.filesTotal() : "") + " files");
        }

        private void write(String line) {
            synchronized (out) {
                try {
                    out.write(line);
                    out.write('\n');
                    out.flush();
                } catch (IOException e) {
                    // The controller side is gone; the call is being stopped too.
                }
            }
        }
    }
}
