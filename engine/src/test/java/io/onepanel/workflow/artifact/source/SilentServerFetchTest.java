package io.onepanel.workflow.artifact.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.CredentialsResolver;
import io.onepanel.workflow.artifact.SilentServer;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.diagnostics.SourcePosition;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.GitSource;
import io.onepanel.workflow.template.HttpSource;
import io.onepanel.workflow.template.Positions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetches from a server that accepts and never answers, or answers and then stops, end with the
 * limit that ended them, leave nothing at the target, and end at once when the fetching thread is
 * interrupted (as Ctrl-C, SIGTERM and a cancelled run do). Limits are small here; the defaults are
 * in {@link FetchLimits#DEFAULT}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES) // a hang guard only
class SilentServerFetchTest {

    private static final FetchLimits SMALL = new FetchLimits(Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofMinutes(1));
    /** Limits that would not end anything during the test: only an interrupt can. */
    private static final FetchLimits LONG = new FetchLimits(Duration.ofMinutes(10), Duration.ofMinutes(10),
            Duration.ofMinutes(10));

    @TempDir
    Path tmp;

    private static Artifact git(String url) {
        return new Artifact("repo", "/src", null, null, null, false, null, null, null, null,
                new GitSource(url, null, null, java.util.List.of(), null, false, false, false, null, null, null), null,
                null,
                Positions.at(SourcePosition.unknown("t.yaml")));
    }

    private static Artifact http(String url) {
        return new Artifact("data", "/data", null, null, null, false, null, null, null, null, null, null,
                new HttpSource(url, Map.of()), Positions.at(SourcePosition.unknown("t.yaml")));
    }

    @Test
    void anHttpServerThatNeverAnswersEndsTheFetchAtTheIdleTimeout() throws Exception {
        try (SilentServer server = new SilentServer(SilentServer.Manner.SILENT)) {
            Path target = tmp.resolve("in/data");
            assertThatThrownBy(() -> new HttpFetcher(SMALL).fetch(http(server.url("/data.bin")), target,
                    TransferListener.NONE))
                    .isInstanceOf(ArtifactException.class)
                    .hasMessage("artifact 'data': GET " + server.url("/data.bin") + ": no answer within 1 s (idle timeout)");
            assertThat(target).doesNotExist();
            assertThat(tmp.resolve("in")).isEmptyDirectory();
        }
    }

    @Test
    void anHttpBodyThatStopsEndsTheFetchAtTheIdleTimeout() throws Exception {
        try (SilentServer server = new SilentServer(SilentServer.Manner.HEADERS_THEN_SILENT)) {
            Path target = tmp.resolve("in/data");
            assertThatThrownBy(() -> new HttpFetcher(SMALL).fetch(http(server.url("/data.bin")), target,
                    TransferListener.NONE))
                    .isInstanceOf(ArtifactException.class)
                    .hasMessageEndingWith(": no data for 1 s (idle timeout)");
            assertThat(tmp.resolve("in")).isEmptyDirectory();
        }
    }

    @Test
    void anHttpBodyThatTricklesForeverEndsAtTheTotalBound() throws Exception {
        FetchLimits total = new FetchLimits(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(2));
        try (SilentServer server = new SilentServer(SilentServer.Manner.TRICKLE)) {
            assertThatThrownBy(() -> new HttpFetcher(total).fetch(http(server.url("/data.bin")), tmp.resolve("d"),
                    TransferListener.NONE))
                    .isInstanceOf(ArtifactException.class)
                    .hasMessageEndingWith(": not finished within 2 s (the limit of one fetch)");
        }
    }

    @Test
    void aGitServerThatNeverAnswersEndsTheCloneAtTheIdleTimeout() throws Exception {
        try (SilentServer server = new SilentServer(SilentServer.Manner.SILENT)) {
            Path target = tmp.resolve("in/src");
            assertThatThrownBy(() -> new GitFetcher(CredentialsResolver.NONE, SMALL)
                    .fetch(git(server.url("/repo.git")), target, TransferListener.NONE))
                    .isInstanceOf(ArtifactException.class)
                    .hasMessage("artifact 'repo': git " + server.url("/repo.git") + ": no answer within 1 s (idle timeout)");
            assertThat(target).doesNotExist();
        }
    }

    @Test
    void anInterruptEndsAGitCloneBlockedOnASilentServerAtOnce() throws Exception {
        try (SilentServer server = new SilentServer(SilentServer.Manner.SILENT)) {
            Path target = tmp.resolve("in/src");
            ArtifactException failure = interrupted(server,
                    () -> new GitFetcher(CredentialsResolver.NONE, LONG).fetch(git(server.url("/repo.git")), target,
                            TransferListener.NONE));
            assertThat(failure).hasMessageEndingWith(": interrupted");
            assertThat(target).doesNotExist();
        }
    }

    @Test
    void anInterruptEndsAnHttpFetchBlockedOnASilentServerAtOnce() throws Exception {
        try (SilentServer server = new SilentServer(SilentServer.Manner.SILENT)) {
            Path target = tmp.resolve("in/data");
            ArtifactException failure = interrupted(server,
                    () -> new HttpFetcher(LONG).fetch(http(server.url("/data.bin")), target, TransferListener.NONE));
            assertThat(failure).hasMessageEndingWith(": interrupted");
            assertThat(target).doesNotExist();
        }
    }

    private interface Fetch {
        void run() throws ArtifactException;
    }

    /** Runs the fetch on a thread, interrupts it once the server holds its connection, returns how it failed. */
    private static ArtifactException interrupted(SilentServer server, Fetch fetch) throws Exception {
        AtomicReference<ArtifactException> failure = new AtomicReference<>();
        Thread fetching = new Thread(() -> {
            try {
                fetch.run();
            } catch (ArtifactException e) {
                failure.set(e);
            }
        });
        fetching.start();
        assertThat(server.accepted().await(60, TimeUnit.SECONDS)).isTrue();
        fetching.interrupt();
        // The limits are ten minutes: only the interrupt can end the fetch before this generous wait does.
        fetching.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(fetching.isAlive()).as("the fetch still runs after the interrupt").isFalse();
        return failure.get();
    }
}
