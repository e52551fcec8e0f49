package io.onepanel.workflow.pod;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.ArtifactStore;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.artifact.files.LinkFreePath;
import io.onepanel.workflow.runtime.OutputParameterFile;
import io.onepanel.workflow.runtime.TaskPhase;
import io.onepanel.workflow.template.Artifact;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stager's side of {@link PodContract}, run inside the pod ({@code onepanel-workflow stage}) or
 * by a Jenkins agent: stages inputs, lets the main container run, reads what it left, stores
 * outputs, and reports.
 */
public final class Stager {

    /** Argo keeps results in annotations; we cap {@code result} and each output parameter here. */
    public static final int VALUE_LIMIT = 256 * 1024;

    private final ArtifactStore store;
    private final Path exchangeDir;
    private final Duration pollInterval;
    private final TransferListener transfers;

    /**
     * @param exchangeDir {@link PodContract#EXCHANGE_DIR} in a pod
     */
    public Stager(ArtifactStore store, Path exchangeDir, Duration pollInterval, TransferListener transfers) {
        this.store = store;
        // The task's files below it are read with no link on their path (LinkFreePath): none of ours
        // either (/var/run is a link to /run in many images).
        this.exchangeDir = LinkFreePath.resolvedOnce(exchangeDir);
        this.pollInterval = pollInterval;
        this.transfers = transfers;
    }

    /** Where the stager finds the main container's {@code path}. */
    public Path mainfs(String path) {
        return exchangeDir.resolve("mainfs" + TaskPodTranslator.normalize(path));
    }

    /** Runs the whole protocol; returns the report (does not write it anywhere). */
    public StagerReport run(StagingPlan plan) throws InterruptedException {
        StagerReport failed = stageInputs(plan);
        if (failed != null) {
            return failed;
        }
        while (!mainDone()) {
            Thread.sleep(pollInterval.toMillis());
        }
        return collect(plan);
    }

    /**
     * Places every input where the main container expects it, then lets the gate go on. Idempotent,
     * so a stager that starts again (a Jenkins agent that reconnected, a controller that restarted)
     * picks up where the exchange directory says it is: once inputs are staged, or have failed, the
     * marker stays and nothing is fetched again.
     *
     * @return null once the inputs are staged; the error report when they cannot be
     */
    public StagerReport stageInputs(StagingPlan plan) {
        Path failedMarker = exchangeDir.resolve(PodContract.INPUTS_FAILED);
        if (Files.exists(exchangeDir.resolve(PodContract.INPUTS_STAGED))) {
            return null;
        }
        if (Files.exists(failedMarker)) {
            return StagerReport.error(readMarker(failedMarker));
        }
        try {
            Files.createDirectories(exchangeDir.resolve("mainfs"));
            for (Artifact input : plan.inputs()) {
                Path target = mainfs(input.path());
                Files.createDirectories(target.getParent());
                store.fetch(input, target, transfers);
            }
            Files.createFile(exchangeDir.resolve(PodContract.INPUTS_STAGED));
            return null;
        } catch (ArtifactException | IOException e) {
            String message = "inputs could not be staged: " + e.getMessage();
            writeQuietly(failedMarker, message);
            return StagerReport.error(message);
        }
    }

    /** Whether the main container's command has ended and handed its outputs over ({@link PodContract#MAIN_DONE}). */
    public boolean mainDone() {
        return Files.exists(exchangeDir.resolve(PodContract.MAIN_DONE));
    }

    /**
     * Once {@link #mainDone()}: reads the exit code, the result and the output parameters, stores
     * the output artifacts and tells how the attempt ended. May be called again after an interrupted
     * call: outputs are stored anew (a store never leaves a half-written object under a final key).
     */
    public StagerReport collect(StagingPlan plan) {
        Integer exitCode;
        String result;
        try {
            exitCode = exitCode(exchangeDir.resolve(PodContract.EXIT_CODE_FILE));
        } catch (IOException e) {
            return StagerReport.error("the main container left no exit code: " + e.getMessage());
        }
        try {
            result = readCapped(exchangeDir.resolve(PodContract.STDOUT_FILE));
        } catch (IOException e) {
            return StagerReport.error("the main container's standard output cannot be read: " + e.getMessage());
        }
        if (result != null && result.endsWith("\n")) {
            result = result.substring(0, result.length() - 1);
        }

        Map<String, String> parameters = new LinkedHashMap<>();
        List<Artifact> stored = new ArrayList<>();
        try {
            for (StagingPlan.OutputParameter p : plan.outputParameters()) {
                String value = parameter(p);
                if (value == null) {
                    if (p.defaultValue() == null) {
                        throw new IOException("output parameter '" + p.name() + "': " + p.path()
                                + " does not exist and the parameter has no default");
                    }
                    value = p.defaultValue();
                }
                parameters.put(p.name(), value.strip());
            }
            for (Artifact output : plan.outputs()) {
                Artifact done2 = store.store(output, mainfs(output.path()), transfers);
                if (done2 != null) {
                    stored.add(done2);
                }
            }
        } catch (IOException | ArtifactException e) {
            if (exitCode != 0) {
                // The command's failure is the story; missing outputs follow from it.
                return new StagerReport(TaskPhase.FAILED, exitCode, exitMessage(exitCode), result, Map.of(),
                        List.of(), false);
            }
            String message = e.getMessage() == null ? "" : e.getMessage().replace(exchangeDir.resolve("mainfs").toString(), "");
            return new StagerReport(TaskPhase.ERROR, exitCode, "outputs could not be stored: " + message,
                    result, Map.of(), List.of(), false);
        }
        if (exitCode != 0) {
            return new StagerReport(TaskPhase.FAILED, exitCode, exitMessage(exitCode), result, parameters, stored,
                    false);
        }
        return new StagerReport(TaskPhase.SUCCEEDED, 0, null, result, parameters, stored, false);
    }

    /**
     * The stager process of a pod ({@code onepanel-workflow stage}): reads the plan from
     * {@link PodContract#ENV_STAGING_PLAN}, runs it on {@link PodContract#EXCHANGE_DIR} and publishes
     * the report. Returns the process's exit code: 0 once a report is published (whatever the task's
     * outcome), 2 when there is no usable plan.
     */
    public static int runInPod(ArtifactStore store, Map<String, String> env, PrintStream log)
            throws InterruptedException {
        String json = env.get(PodContract.ENV_STAGING_PLAN);
        if (json == null || json.isBlank()) {
            log.println("onepanel-workflow stage: " + PodContract.ENV_STAGING_PLAN + " is not set; the stager only "
                    + "runs inside a task pod");
            return 2;
        }
        StagingPlan plan;
        try {
            plan = StagingPlan.fromJson(json);
        } catch (IllegalArgumentException e) {
            log.println("onepanel-workflow stage: " + e.getMessage());
            return 2;
        }
        Path dir = Path.of(env.getOrDefault(PodContract.ENV_DIR, PodContract.EXCHANGE_DIR));
        StagerReport report = new Stager(store, dir, Duration.ofMillis(200), TransferListener.NONE).run(plan);
        try {
            publish(report, Path.of(PodContract.TERMINATION_MESSAGE_PATH), log);
        } catch (IOException e) {
            log.println(PodContract.REPORT_LOG_PREFIX + report.toJson());
        }
        return 0;
    }

    /**
     * Writes the report to the termination message file, or, when it does not fit, a pointer there
     * and the report as the last line of {@code log}.
     */
    public static void publish(StagerReport report, Path terminationMessage, PrintStream log) throws IOException {
        if (report.fitsTerminationMessage()) {
            Files.writeString(terminationMessage, report.toJson());
        } else {
            log.println(PodContract.REPORT_LOG_PREFIX + report.toJson());
            log.flush();
            Files.writeString(terminationMessage, StagerReport.POINTER_TO_LOG.toJson());
        }
    }

    /** A failed command's message, in words for the exit codes the gate itself explains. */
    public static String exitMessage(int exitCode) {
        return switch (exitCode) {
            case 127 -> "exit code 127: the command could not be started (not in the image or not on its PATH)";
            case 126 -> "exit code 126: the command is not executable";
            case PodContract.EXIT_INPUTS_FAILED -> "exit code 125: inputs could not be staged";
            case 137 -> "exit code 137: killed (SIGKILL), often for exceeding the memory limit";
            case 143 -> "exit code 143: terminated (SIGTERM)";
            default -> "exit code " + exitCode;
        };
    }

    /** The main container's stdout, its first {@link #VALUE_LIMIT} bytes; null when there is none. */
    private static String readCapped(Path file) throws IOException {
        if (LinkFreePath.attributes(file) == null) {
            return null;
        }
        try (InputStream in = LinkFreePath.newInputStream(file)) {
            return new String(in.readNBytes(VALUE_LIMIT), StandardCharsets.UTF_8);
        }
    }

    /** The gate's exit code: a short number, whatever the task left in its place. */
    private static int exitCode(Path file) throws IOException {
        String text;
        try (InputStream in = LinkFreePath.newInputStream(file)) {
            text = new String(in.readNBytes(16), StandardCharsets.US_ASCII).trim();
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IOException(PodContract.EXIT_CODE_FILE + " does not hold a number");
        }
    }

    /** An output parameter's file as text; null when there is none. */
    private String parameter(StagingPlan.OutputParameter p) throws IOException {
        try {
            return OutputParameterFile.read(mainfs(p.path()), VALUE_LIMIT);
        } catch (OutputParameterFile.Unusable e) {
            throw new IOException("output parameter '" + p.name() + "': " + p.path() + " " + e.getMessage());
        }
    }

    /** A marker's reason, read without following a link the task may have planted there. */
    private static String readMarker(Path marker) {
        try (InputStream in = LinkFreePath.newInputStream(marker)) {
            return new String(in.readNBytes(VALUE_LIMIT), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "inputs could not be staged (" + e.getMessage() + ")";
        }
    }

    /**
     * Writes {@code text} to {@code file} in one step (a sibling file, then a rename): the gate acts
     * on the file's existence and reads it at once, so it must never see it half written.
     */
    private static void writeQuietly(Path file, String text) {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            Files.writeString(partial, text);
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ignored) {
            // The report still carries the reason.
        }
    }
}
