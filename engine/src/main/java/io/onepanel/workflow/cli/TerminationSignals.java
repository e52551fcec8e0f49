package io.onepanel.workflow.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT (Ctrl-C) and SIGTERM while a run is going: each is reported as what it is and ends the
 * command with the status a shell gives a process the signal ended, 128 + the signal's number
 * (130, 143), once the run is cancelled and cleaned up. Java's shutdown hooks cannot tell which
 * signal arrived, so the JVM's signal handlers are replaced for the run and restored after it.
 */
final class TerminationSignals implements AutoCloseable {

    /** A signal that arrived: its name, how to say it to people, and the command's exit status. */
    record Received(String name, String description, int exitCode) {}

    private static final List<Received> HANDLED = List.of(
            new Received("INT", "Interrupted (SIGINT, Ctrl-C)", ExitCodes.INTERRUPTED),
            new Received("TERM", "Terminated (SIGTERM)", ExitCodes.TERMINATED));

    private final AtomicReference<Received> received = new AtomicReference<>();
    private final List<Runnable> restore = new ArrayList<>();

    private TerminationSignals() {}

    /**
     * Handles SIGINT and SIGTERM from now until {@link #close()}: the first one calls
     * {@code onFirst} (on a thread of its own); later ones are ignored while it cancels. Where the
     * JVM does not let a signal be handled, the JVM's own handling (and shutdown hooks) stay.
     */
    static TerminationSignals install(Consumer<Received> onFirst) {
        TerminationSignals signals = new TerminationSignals();
        for (Received kind : HANDLED) {
            try {
                Signal signal = new Signal(kind.name());
                SignalHandler previous = Signal.handle(signal, s -> {
                    if (signals.received.compareAndSet(null, kind)) {
                        onFirst.accept(kind);
                    }
                });
                signals.restore.add(() -> Signal.handle(signal, previous));
            } catch (IllegalArgumentException | UnsupportedOperationException unavailable) {
                // this platform or JVM reserves the signal: its default handling stays
            }
        }
        return signals;
    }

    Optional<Received> received() {
        return Optional.ofNullable(received.get());
    }

    @Override
    public void close() {
        restore.forEach(Runnable::run);
        restore.clear();
    }
}
