package io.onepanel.workflow.artifact.source;

import io.onepanel.workflow.artifact.TransferSettings;
import java.time.Duration;

/**
 * How long a fetch from a server outside the engine's control ({@code git:}, {@code http:}) may
 * wait: for a connection, for the next byte, and in all. A server that accepts and never answers,
 * or stops in the middle, ends the fetch with a message naming the limit; interrupting the fetching
 * thread (Ctrl-C, SIGTERM, a cancelled run) ends it at once.
 *
 * @param connect the longest wait for a connection
 * @param idle the longest wait for the server's answer or for the next bytes of it
 * @param total the longest a whole fetch may take
 */
public record FetchLimits(Duration connect, Duration idle, Duration total) {

    public static final FetchLimits DEFAULT = new FetchLimits(Duration.ofSeconds(30), Duration.ofMinutes(5),
            Duration.ofHours(6));

    public FetchLimits {
        for (Duration d : new Duration[] {connect, idle, total}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("fetch limits must be positive");
            }
        }
    }

    static String words(Duration d) {
        return TransferSettings.words(d);
    }
}
