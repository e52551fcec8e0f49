package io.jenkins.plugins.onepanel.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * The S3 endpoints a job's {@code artifactRepository} may name besides the administrator's own. The
 * controller itself talks to the endpoint (it lists, signs for and completes uploads), so an endpoint
 * from a Jenkinsfile would make the controller send requests to any host its network reaches; like
 * artifact-manager-s3, only the administrator chooses endpoints. Entries are compared by scheme, host
 * and port ({@code https://minio.example.com:9000}); one per line.
 */
public record EndpointAllowList(@NonNull List<URI> endpoints) {

    public EndpointAllowList {
        endpoints = List.copyOf(endpoints);
    }

    @NonNull
    public static EndpointAllowList parse(@CheckForNull String text) {
        return new EndpointAllowList(
                RuleLines.of(text).stream().map(EndpointAllowList::origin).filter(java.util.Objects::nonNull).toList());
    }

    /** What is wrong with each line, as "line N: ...", or an empty list. */
    @NonNull
    public static List<String> problems(@CheckForNull String text) {
        return RuleLines.problems(text, line -> origin(line) == null
                ? "expected an endpoint URL such as https://minio.example.com:9000" : null);
    }

    /** Whether a job may use {@code endpoint} (the administrator's own endpoint always). */
    public boolean allows(@CheckForNull String endpoint, @CheckForNull String administratorsEndpoint) {
        if (endpoint == null || endpoint.isBlank()) {
            return true; // the repository's default endpoint: AWS, chosen by nobody
        }
        URI wanted = origin(endpoint.strip());
        if (wanted == null) {
            return false;
        }
        URI own = administratorsEndpoint == null ? null : origin(administratorsEndpoint.strip());
        return wanted.equals(own) || endpoints.contains(wanted);
    }

    /** scheme://host:port of an http(s) URL, lower-cased, with the default port made explicit; null if not one. */
    @CheckForNull
    static URI origin(String text) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            URI uri = URI.create(text.contains("://") ? text : "https://" + text);
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.getHost() == null || uri.getUserInfo() != null || !("http".equals(scheme) || "https".equals(scheme))) {
                return null;
            }
            int port = uri.getPort() != -1 ? uri.getPort() : "http".equals(scheme) ? 80 : 443;
            return new URI(scheme, null, uri.getHost().toLowerCase(Locale.ROOT), port, null, null, null);
        } catch (IllegalArgumentException | java.net.URISyntaxException e) {
            return null;
        }
    }
}
