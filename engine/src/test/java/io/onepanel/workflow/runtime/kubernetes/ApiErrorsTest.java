package io.onepanel.workflow.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vertx.core.http.HttpClosedException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Which failures of an API call pass, so that it is tried again. */
class ApiErrorsTest {

    @Test
    void aConnectionTheServerClosedUnderTheRequestPasses() {
        // What fabric8's Vert.x client throws when the API server (or a proxy) drops a kept-alive connection.
        assertThat(ApiErrors.isTransient(new CompletionException(new KubernetesClientException(
                "An error has occurred.", new HttpClosedException("Connection was closed"))))).isTrue();
    }

    @Test
    void overloadPassesAndARefusalDoesNot() {
        assertThat(ApiErrors.isTransient(new KubernetesClientException("busy", 429, null))).isTrue();
        assertThat(ApiErrors.isTransient(new KubernetesClientException("leader changed", 503, null))).isTrue();
        assertThat(ApiErrors.isTransient(new KubernetesClientException("forbidden", 403, null))).isFalse();
        assertThat(ApiErrors.isTransient(new IllegalStateException("no report line"))).isFalse();
    }
}
