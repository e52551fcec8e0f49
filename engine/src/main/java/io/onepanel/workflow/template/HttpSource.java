package io.onepanel.workflow.template;

import java.util.Map;

/** A file fetched over HTTP(S). */
public record HttpSource(String url, Map<String, String> headers) {

    public HttpSource {
        headers = Map.copyOf(headers);
    }
}
