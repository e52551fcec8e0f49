package io.jenkins.plugins.onepanel.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Computer;
import hudson.remoting.Channel;
import hudson.remoting.ChannelClosedException;
import hudson.remoting.RemoteOutputStream;
import hudson.remoting.VirtualChannel;
import io.onepanel.workflow.runtime.TaskResult;
import java.io.EOFException;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import jenkins.model.Jenkins;
import jenkins.util.Timer;

/**
 * The stager role of one attempt, played from the controller on the task's agent: a short call for
 * each step of the pod contract (stage the inputs; follow the task's output from an offset until its
 * command has ended; store the outputs), one after the other, with no thread held between calls.
 *
 * <p>A dropped connection costs only the call in flight: the task's container keeps running, this
 * waits for the agent to come back (as {@code sh} waits for a reconnecting agent) and goes on from
 * its {@link Position}, which the exchange directory's markers make safe to repeat. Because the
 * position is small and serializable, a step execution can keep it across a controller restart.
 */
public final class AgentAttempt {

    /** Where an attempt is. */
    public enum Stage {
        INPUTS,
        RUNNING,
        OUTPUTS
    }

    /**
     * How far the attempt got.
     *
     * @param offset how much of the task's standard output has been forwarded
     */
    public record Position(@NonNull Stage stage, long offset) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        public static final Position START = new Position(Stage.INPUTS, 0);
    }

    private static final long MIN_DELAY_MILLIS = 250;
    private static final long MAX_DELAY_MILLIS = 2_000;
    private static final long OFFLINE_CHECK_MILLIS = 1_000;

    private final String agent;
    private final TaskStaging.Signed signed;
    private final TaskLogStream output;
    private final Consumer<String> notes;
    private final Duration reconnectBound;
    private final CompletableFuture<TaskResult> result = new CompletableFuture<>();
    private volatile Position position;
    private volatile Future<?> inFlight;
    private long idleDelay = MIN_DELAY_MILLIS;
    private long offlineSince = -1;

    private AgentAttempt(
            String agent,
            TaskStaging.Signed signed,
            Position from,
            Consumer<String> lines,
            Consumer<String> notes,
            Duration reconnectBound) {
        this.agent = agent;
        this.signed = signed;
        this.position = from;
        this.output = new TaskLogStream(lines);
        this.notes = notes;
        this.reconnectBound = reconnectBound;
    }

    /**
     * Starts (or, from a later {@code from}, continues) the attempt on the agent named {@code agent}.
     *
     * @param lines receives the task's standard output, a line at a time
     * @param notes receives the stager's notes (transfers), a line at a time
     * @param reconnectBound how long the agent may be away before the attempt is an Error
     */
    @NonNull
    public static AgentAttempt start(
            @NonNull String agent,
            @NonNull TaskStaging.Signed signed,
            @NonNull Position from,
            @NonNull Consumer<String> lines,
            @NonNull Consumer<String> notes,
            @NonNull Duration reconnectBound) {
        AgentAttempt attempt = new AgentAttempt(agent, signed, from, lines, notes, reconnectBound);
        attempt.schedule(0);
        return attempt;
    }

    /** Completes with what the attempt did, as the engine takes it; never exceptionally. */
    @NonNull
    public CompletableFuture<TaskResult> result() {
        return result;
    }

    @NonNull
    public Position position() {
        return position;
    }

    /** Stops at once: the call in flight is interrupted (which cancels it on the agent) and nothing follows. */
    public void stop() {
        if (result.complete(TaskResult.failed(null, "cancelled"))) {
            Future<?> call = inFlight;
            if (call != null) {
                call.cancel(true);
            }
            closeOutput();
        }
    }

    private void schedule(long delayMillis) {
        if (!result.isDone()) {
            Timer.get().schedule(this::tick, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void tick() {
        if (result.isDone()) {
            return;
        }
        VirtualChannel channel = channel();
        if (channel == null) {
            awaitAgent();
            return;
        }
        if (offlineSince >= 0) {
            offlineSince = -1;
            notes.accept("the agent is back; going on from " + describe(position));
        }
        // Remoting calls block: they run on the pool Jenkins keeps for them, never on a timer thread.
        inFlight = Computer.threadPoolForRemoting.submit(() -> step(channel));
    }

    @CheckForNull
    private VirtualChannel channel() {
        Jenkins jenkins = Jenkins.getInstanceOrNull();
        Computer computer = jenkins == null ? null : jenkins.getComputer(agent);
        return computer == null ? null : computer.getChannel();
    }

    private void awaitAgent() {
        long now = System.nanoTime();
        if (offlineSince < 0) {
            offlineSince = now;
            notes.accept("the agent " + agent + " is not connected; waiting up to "
                    + reconnectBound.toMinutes() + " min for it to come back (the task's container goes on)");
        } else if (now - offlineSince > reconnectBound.toNanos()) {
            finish(TaskResult.error("the agent " + agent + " of the task's pod did not come back within "
                    + reconnectBound.toMinutes() + " min (" + describe(position) + ")"));
            return;
        }
        schedule(OFFLINE_CHECK_MILLIS);
    }

    private void step(VirtualChannel channel) {
        try {
            switch (position.stage()) {
                case INPUTS -> stageInputs(channel);
                case RUNNING -> follow(channel);
                case OUTPUTS -> collect(channel);
                default -> throw new IllegalStateException(position.stage().name());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stopped: the result is already there
        } catch (IOException | RuntimeException e) {
            if (lost(e, channel)) {
                schedule(OFFLINE_CHECK_MILLIS); // the next tick finds the agent gone and waits for it
            } else {
                finish(TaskResult.error("staging in the task's pod failed (" + describe(position) + "): "
                        + (e.getMessage() != null ? e.getMessage() : e.toString())));
            }
        }
    }

    private void stageInputs(VirtualChannel channel) throws IOException, InterruptedException {
        try (TaskLogStream status = new TaskLogStream(notes)) {
            String failed = channel.call(
                    AgentStaging.stageInputs(signed.planJson(), signed.downloads(), new RemoteOutputStream(status)));
            if (failed != null) {
                finish(TaskResult.error(failed));
                return;
            }
        }
        position = new Position(Stage.RUNNING, 0);
        schedule(0);
    }

    private void follow(VirtualChannel channel) throws IOException, InterruptedException {
        AgentStaging.Output read = channel.call(AgentStaging.follow(position.offset()));
        output.write(read.bytes());
        position = new Position(read.mainDone() ? Stage.OUTPUTS : Stage.RUNNING, read.next());
        if (read.mainDone()) {
            output.forceEol();
            schedule(0);
        } else if (read.bytes().length > 0) {
            idleDelay = MIN_DELAY_MILLIS;
            schedule(read.bytes().length == AgentStaging.FOLLOW_CHUNK ? 0 : MIN_DELAY_MILLIS);
        } else {
            idleDelay = Math.min(MAX_DELAY_MILLIS, idleDelay * 2);
            schedule(idleDelay);
        }
    }

    private void collect(VirtualChannel channel) throws IOException, InterruptedException {
        try (TaskLogStream status = new TaskLogStream(notes)) {
            TaskStaging.AgentOutcome outcome = channel.call(AgentStaging.collect(
                    signed.planJson(),
                    channel.export(TaskStaging.OutputSigner.class, signed),
                    new RemoteOutputStream(status)));
            finish(signed.toResult(outcome));
        }
    }

    private void finish(TaskResult outcome) {
        if (result.complete(outcome)) {
            closeOutput();
        }
    }

    private void closeOutput() {
        try {
            output.close();
        } catch (IOException e) {
            // lines only go to listeners in memory
        }
    }

    /** Whether a call failed because the connection to the agent went away, rather than for a reason of its own. */
    private static boolean lost(Throwable failure, VirtualChannel channel) {
        if (channel instanceof Channel c && c.isClosingOrClosed()) {
            return true;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ChannelClosedException || t instanceof ClosedChannelException || t instanceof EOFException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Position p) {
        return switch (p.stage()) {
            case INPUTS -> "staging the inputs";
            case RUNNING -> "the task's command running, " + p.offset() + " bytes of its output read";
            case OUTPUTS -> "storing the outputs";
        };
    }
}
