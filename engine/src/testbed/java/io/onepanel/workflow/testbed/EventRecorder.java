package io.onepanel.workflow.testbed;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes core/v1 Events about pods and claims, as the scheduler and the kubelet do, so that what a
 * user would read in {@code kubectl describe} can be read (and tested) here too.
 */
final class EventRecorder {

    static final String NORMAL = "Normal";
    static final String WARNING = "Warning";

    private final KubernetesClient client;
    private final AtomicLong sequence = new AtomicLong(System.nanoTime());

    EventRecorder(KubernetesClient client) {
        this.client = client;
    }

    void record(HasMetadata object, String component, String type, String reason, String message) {
        String ns = object.getMetadata().getNamespace() == null ? "default" : object.getMetadata().getNamespace();
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        try {
            client.v1().events().inNamespace(ns).resource(new EventBuilder()
                    .withNewMetadata()
                    .withName(object.getMetadata().getName() + "." + Long.toHexString(sequence.incrementAndGet()))
                    .withNamespace(ns)
                    .endMetadata()
                    .withNewInvolvedObject()
                    .withApiVersion(object.getApiVersion()).withKind(object.getKind())
                    .withName(object.getMetadata().getName()).withNamespace(ns)
                    .withUid(object.getMetadata().getUid())
                    .endInvolvedObject()
                    .withType(type)
                    .withReason(reason)
                    .withMessage(message)
                    .withNewSource().withComponent(component).endSource()
                    .withReportingComponent(component)
                    .withFirstTimestamp(now)
                    .withLastTimestamp(now)
                    .withCount(1)
                    .build()).create();
        } catch (KubernetesClientException e) {
            // an event is for people; losing one (the test bed closing) changes nothing else
        }
    }
}
