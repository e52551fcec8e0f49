package io.onepanel.workflow.artifact.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A fetcher costs nothing until it fetches: its HTTP client (a TLS context and a selector thread,
 * about 0.6 s of a short process's start-up, and a later exit) is made on the first {@code http:}
 * input, which most runs and stagers never have. Fetching itself is specified in
 * {@code RoutingArtifactStoreTest} and {@link SilentServerFetchTest}.
 */
class HttpFetcherTest {

    @Test
    void makingAFetcherStartsNoHttpClient() {
        Set<Long> before = selectorThreads();

        new HttpFetcher();
        new HttpFetcher(FetchLimits.DEFAULT);

        assertThat(selectorThreads()).isSubsetOf(before);
    }

    /** The JDK client's selector threads ("HttpClient-1-SelectorManager"), one per client made. */
    private static Set<Long> selectorThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().contains("SelectorManager"))
                .map(Thread::getId).collect(Collectors.toSet());
    }
}
