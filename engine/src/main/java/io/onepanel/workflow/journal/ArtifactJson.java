package io.onepanel.workflow.journal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.onepanel.workflow.template.ArchiveStrategy;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.GitSource;
import io.onepanel.workflow.template.HttpSource;
import io.onepanel.workflow.template.RawSource;
import io.onepanel.workflow.template.S3Source;
import io.onepanel.workflow.template.SecretKeyRef;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An artifact in the journal: its name and where it is stored (the location later tasks read, so a
 * retried run reads the same objects), field by field. Its position in the template is not kept.
 */
final class ArtifactJson {

    private ArtifactJson() {}

    static void write(JsonGenerator g, Artifact a) throws IOException {
        g.writeStartObject();
        text(g, "name", a.name());
        text(g, "path", a.path());
        text(g, "from", a.from());
        text(g, "fromExpression", a.fromExpression());
        if (a.mode() != null) {
            g.writeNumberField("mode", a.mode());
        }
        if (a.optional()) {
            g.writeBooleanField("optional", true);
        }
        text(g, "globalName", a.globalName());
        text(g, "subPath", a.subPath());
        if (a.archive() != null) {
            g.writeObjectFieldStart("archive");
            g.writeStringField("kind", a.archive().kind().name());
            if (a.archive().compressionLevel() != null) {
                g.writeNumberField("compressionLevel", a.archive().compressionLevel());
            }
            g.writeEndObject();
        }
        if (a.s3() != null) {
            S3Source s = a.s3();
            g.writeObjectFieldStart("s3");
            text(g, "endpoint", s.endpoint());
            text(g, "bucket", s.bucket());
            text(g, "region", s.region());
            flag(g, "insecure", s.insecure());
            text(g, "key", s.key());
            secret(g, "accessKeySecret", s.accessKeySecret());
            secret(g, "secretKeySecret", s.secretKeySecret());
            flag(g, "useSDKCreds", s.useSDKCreds());
            g.writeEndObject();
        }
        if (a.git() != null) {
            GitSource s = a.git();
            g.writeObjectFieldStart("git");
            text(g, "repo", s.repo());
            text(g, "revision", s.revision());
            if (s.depth() != null) {
                g.writeNumberField("depth", s.depth());
            }
            g.writeArrayFieldStart("fetch");
            for (String f : s.fetch()) {
                g.writeString(f);
            }
            g.writeEndArray();
            text(g, "branch", s.branch());
            g.writeBooleanField("singleBranch", s.singleBranch());
            g.writeBooleanField("disableSubmodules", s.disableSubmodules());
            g.writeBooleanField("insecureIgnoreHostKey", s.insecureIgnoreHostKey());
            secret(g, "usernameSecret", s.usernameSecret());
            secret(g, "passwordSecret", s.passwordSecret());
            secret(g, "sshPrivateKeySecret", s.sshPrivateKeySecret());
            g.writeEndObject();
        }
        if (a.raw() != null) {
            g.writeObjectFieldStart("raw");
            text(g, "data", a.raw().data());
            g.writeEndObject();
        }
        if (a.http() != null) {
            g.writeObjectFieldStart("http");
            text(g, "url", a.http().url());
            g.writeObjectFieldStart("headers");
            for (Map.Entry<String, String> h : a.http().headers().entrySet()) {
                g.writeStringField(h.getKey(), h.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    static Artifact read(JsonNode n) {
        ArchiveStrategy archive = null;
        if (n.hasNonNull("archive")) {
            JsonNode a = n.get("archive");
            archive = new ArchiveStrategy(ArchiveStrategy.Kind.valueOf(a.path("kind").asText()), integer(a,
                    "compressionLevel"));
        }
        S3Source s3 = null;
        if (n.hasNonNull("s3")) {
            JsonNode s = n.get("s3");
            s3 = new S3Source(text(s, "endpoint"), text(s, "bucket"), text(s, "region"), flag(s, "insecure"),
                    text(s, "key"), secret(s, "accessKeySecret"), secret(s, "secretKeySecret"),
                    flag(s, "useSDKCreds"));
        }
        GitSource git = null;
        if (n.hasNonNull("git")) {
            JsonNode s = n.get("git");
            List<String> fetch = new ArrayList<>();
            s.path("fetch").forEach(f -> fetch.add(f.asText()));
            git = new GitSource(text(s, "repo"), text(s, "revision"), integer(s, "depth"), fetch, text(s, "branch"),
                    s.path("singleBranch").asBoolean(), s.path("disableSubmodules").asBoolean(),
                    s.path("insecureIgnoreHostKey").asBoolean(), secret(s, "usernameSecret"),
                    secret(s, "passwordSecret"), secret(s, "sshPrivateKeySecret"));
        }
        RawSource raw = n.hasNonNull("raw") ? new RawSource(text(n.get("raw"), "data")) : null;
        HttpSource http = null;
        if (n.hasNonNull("http")) {
            Map<String, String> headers = new LinkedHashMap<>();
            n.get("http").path("headers").fields().forEachRemaining(e -> headers.put(e.getKey(),
                    e.getValue().asText()));
            http = new HttpSource(text(n.get("http"), "url"), headers);
        }
        return new Artifact(text(n, "name"), text(n, "path"), text(n, "from"), text(n, "fromExpression"),
                integer(n, "mode"), n.path("optional").asBoolean(), text(n, "globalName"), text(n, "subPath"), archive,
                s3, git, raw, http, null);
    }

    private static void text(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }

    private static void flag(JsonGenerator g, String field, Boolean value) throws IOException {
        if (value != null) {
            g.writeBooleanField(field, value);
        }
    }

    /** A reference to a Kubernetes secret's key: its name and key, never a secret's value. */
    private static void secret(JsonGenerator g, String field, SecretKeyRef ref) throws IOException {
        if (ref != null) {
            g.writeObjectFieldStart(field);
            text(g, "name", ref.name());
            text(g, "key", ref.key());
            g.writeEndObject();
        }
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static Integer integer(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asInt();
    }

    private static Boolean flag(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asBoolean();
    }

    private static SecretKeyRef secret(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : new SecretKeyRef(text(v, "name"), text(v, "key"));
    }
}
