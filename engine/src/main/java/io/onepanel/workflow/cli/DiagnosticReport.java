package io.onepanel.workflow.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.onepanel.workflow.diagnostics.Diagnostic;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prints diagnostics as {@code file:line:col: error: message} lines and a summary, or as JSON. */
final class DiagnosticReport {

    /** Made on first use: text output, the default, needs no Jackson (a third of a short command's classes). */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    private DiagnosticReport() {}

    static void printText(List<Diagnostic> diagnostics, String file, PrintWriter out) {
        diagnostics.forEach(out::println);
        out.println(summary(diagnostics, file));
        out.flush();
    }

    static String summary(List<Diagnostic> diagnostics, String file) {
        long errors = diagnostics.stream().filter(Diagnostic::isError).count();
        long warnings = diagnostics.size() - errors;
        String counts = plural(errors, "error") + ", " + plural(warnings, "warning");
        return file + ": " + (errors == 0 ? "valid" : "invalid") + " (" + counts + ")";
    }

    static void printJson(List<Diagnostic> diagnostics, String file, PrintWriter out) {
        long errors = diagnostics.stream().filter(Diagnostic::isError).count();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("file", file);
        doc.put("valid", errors == 0);
        doc.put("errors", errors);
        doc.put("warnings", diagnostics.size() - errors);
        doc.put("diagnostics", diagnostics.stream().map(DiagnosticReport::toMap).toList());
        out.println(json(doc));
        out.flush();
    }

    static Map<String, Object> toMap(Diagnostic d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", d.position().file());
        m.put("line", d.position().line());
        m.put("column", d.position().column());
        m.put("severity", d.severity().label());
        m.put("code", d.code());
        m.put("message", d.message());
        return m;
    }

    static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
