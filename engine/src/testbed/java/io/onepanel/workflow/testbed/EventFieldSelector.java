package io.onepanel.workflow.testbed;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventList;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The field selectors a real API server takes for Events ({@code involvedObject.name=x},
 * {@code involvedObject.kind}, {@code .namespace}, {@code .uid}, {@code type}, {@code reason}),
 * as {@code kubectl describe} and the engine use them: the mock API server knows only names,
 * namespaces and labels and would answer such a list with nothing. Lists only, not watches.
 */
final class EventFieldSelector {

    private static final Pattern EVENTS = Pattern.compile("/api/v1(/namespaces/[^/]+)?/events");
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private final Map<String, String> required;
    /** The request's URI without its field selector, for the mock. */
    final String uriWithoutSelector;

    private EventFieldSelector(Map<String, String> required, String uriWithoutSelector) {
        this.required = required;
        this.uriWithoutSelector = uriWithoutSelector;
    }

    /** The selector of a list of events that has one this class serves, else null. */
    static EventFieldSelector of(String method, String path, String uri) {
        int q = uri.indexOf('?');
        if (!"GET".equals(method) || q < 0 || !EVENTS.matcher(path).matches()) {
            return null;
        }
        Map<String, String> required = new LinkedHashMap<>();
        List<String> kept = new ArrayList<>();
        for (String param : uri.substring(q + 1).split("&")) {
            String[] kv = param.split("=", 2);
            String name = URLDecoder.decode(kv[0], StandardCharsets.UTF_8);
            if ("watch".equals(name) && kv.length > 1 && "true".equals(kv[1])) {
                return null;
            }
            if (!"fieldSelector".equals(name) || kv.length < 2) {
                kept.add(param);
                continue;
            }
            for (String term : URLDecoder.decode(kv[1], StandardCharsets.UTF_8).split(",")) {
                String[] fv = term.split("==?", 2);
                if (fv.length == 2) {
                    required.put(fv[0].trim(), fv[1].trim());
                }
            }
        }
        if (required.isEmpty()) {
            return null;
        }
        String base = uri.substring(0, q);
        return new EventFieldSelector(required, kept.isEmpty() ? base : base + "?" + String.join("&", kept));
    }

    /** The mock's answer to the unfiltered list, filtered. */
    byte[] filter(byte[] listJson) {
        EventList list = JSON.unmarshal(new String(listJson, StandardCharsets.UTF_8), EventList.class);
        list.setItems(list.getItems().stream().filter(this::matches).toList());
        return JSON.asJson(list).getBytes(StandardCharsets.UTF_8);
    }

    private boolean matches(Event e) {
        ObjectReference o = e.getInvolvedObject() == null ? new ObjectReference() : e.getInvolvedObject();
        for (Map.Entry<String, String> r : required.entrySet()) {
            String actual = switch (r.getKey()) {
                case "involvedObject.name" -> o.getName();
                case "involvedObject.namespace" -> o.getNamespace();
                case "involvedObject.kind" -> o.getKind();
                case "involvedObject.uid" -> o.getUid();
                case "type" -> e.getType();
                case "reason" -> e.getReason();
                case "metadata.name" -> e.getMetadata().getName();
                default -> null;
            };
            if (!r.getValue().equals(actual)) {
                return false;
            }
        }
        return true;
    }
}
