package io.onepanel.workflow.journal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.onepanel.workflow.template.yaml.YamlSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The journal's first line ({@code "e":"run"}). Template texts are files beside the journal (people
 * read them there, and a journal line stays small); the header names each with its SHA-256, so a
 * run never continues with a template edited after it started.
 */
final class HeaderJson {

    private HeaderJson() {}

    static void write(JsonGenerator g, RunHeader h, int version) throws IOException {
        g.writeNumberField("version", version);
        g.writeStringField("name", h.name());
        g.writeStringField("uid", h.uid());
        g.writeStringField("namespace", h.namespace());
        g.writeStringField("created", h.created().toString());
        g.writeFieldName("template");
        source(g, h.template(), JournalFiles.TEMPLATE);
        g.writeArrayFieldStart("library");
        for (int i = 0; i < h.library().size(); i++) {
            source(g, h.library().get(i), JournalFiles.library(i + 1));
        }
        g.writeEndArray();
        strings(g, "parameters", h.parameters());
        if (h.failFast() != null) {
            g.writeBooleanField("failFast", h.failFast());
        }
        if (h.parallelism() != null) {
            g.writeNumberField("parallelism", h.parallelism());
        }
        g.writeBooleanField("onepanelConventions", h.onepanelConventions());
        strings(g, "settings", h.settings());
        if (h.retryOf() != null) {
            g.writeStringField("retryOf", h.retryOf());
        }
    }

    private static void source(JsonGenerator g, SourceText text, String file) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", text.name());
        g.writeStringField("file", file);
        g.writeStringField("sha256", JournalFiles.sha256(text.text()));
        g.writeEndObject();
    }

    private static void strings(JsonGenerator g, String field, Map<String, String> values) throws IOException {
        g.writeObjectFieldStart(field);
        for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    /** @throws JournalException for a newer format, or a template file missing or changed */
    static RunHeader read(JsonNode h, Path directory) throws IOException {
        int version = h.path("version").asInt();
        if (version > JournalWriter.VERSION) {
            throw new JournalException(directory.resolve(JournalFiles.JOURNAL) + " was written by a newer "
                    + "onepanel-workflow (journal version " + version + "; this one reads up to "
                    + JournalWriter.VERSION + ")");
        }
        List<SourceText> library = new ArrayList<>();
        for (JsonNode l : h.path("library")) {
            library.add(source(l, directory));
        }
        JsonNode parallelism = h.get("parallelism");
        JsonNode failFast = h.get("failFast");
        return new RunHeader(ArtifactJson.text(h, "name"), ArtifactJson.text(h, "uid"),
                ArtifactJson.text(h, "namespace"), Instant.parse(h.path("created").asText()),
                source(h.path("template"), directory), library, strings(h.path("parameters")),
                failFast == null || failFast.isNull() ? null : failFast.asBoolean(),
                parallelism == null || parallelism.isNull() ? null : parallelism.asInt(),
                h.path("onepanelConventions").asBoolean(true), strings(h.path("settings")),
                ArtifactJson.text(h, "retryOf"));
    }

    private static SourceText source(JsonNode s, Path directory) throws IOException {
        String fileName = s.path("file").asText();
        if (!fileName.matches("[A-Za-z0-9.-]+")) {
            throw new JournalException(directory.resolve(JournalFiles.JOURNAL) + ": the header names '" + fileName
                    + "' as a template file, which is not a file of the run's directory");
        }
        Path file = directory.resolve(fileName);
        String text;
        try {
            if (Files.size(file) > 4L * YamlSource.MAX_CHARS) {
                throw new JournalException(file + " is larger than any template a run reads");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new JournalException(file + " is missing: the run's template was kept there");
        }
        if (!JournalFiles.sha256(text).equals(s.path("sha256").asText())) {
            throw new JournalException(file + " was changed after the run started (it no longer matches the journal);"
                    + " a run continues only with the template it started with");
        }
        return new SourceText(s.path("name").asText(), text);
    }

    private static Map<String, String> strings(JsonNode values) {
        Map<String, String> out = new LinkedHashMap<>();
        values.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}
