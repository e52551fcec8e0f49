package io.onepanel.workflow.cli;

import io.onepanel.workflow.artifact.ArtifactStore;
import io.onepanel.workflow.diagnostics.Diagnostic;
import io.onepanel.workflow.engine.LoadResult;
import io.onepanel.workflow.engine.WorkflowEngine;
import io.onepanel.workflow.journal.SourceText;
import io.onepanel.workflow.runtime.TaskRuntime;
import io.onepanel.workflow.diagnostics.SourcePosition;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.InstallValues;
import io.onepanel.workflow.template.LoadedTemplate;
import io.onepanel.workflow.template.TemplateBytes;
import io.onepanel.workflow.template.TemplateFile;
import io.onepanel.workflow.template.TemplateLoader;
import io.onepanel.workflow.template.Workflow;
import io.onepanel.workflow.validate.WorkflowValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads a template and its library, then checks the given parameters: every finding, from every
 * file, as diagnostics. An unreadable file is a {@link UnreadableFileException}.
 */
final class TemplateLoading {

    /** A runtime for commands that never run anything. */
    static final TaskRuntime NO_RUNTIME = (request, listener) -> {
        throw new IllegalStateException("this command runs nothing");
    };

    /** An artifact store for commands that never move artifacts. */
    static final ArtifactStore NO_ARTIFACTS = new ArtifactStore() {
        @Override
        public Artifact locate(Artifact output, Map<String, String> variables) {
            return output;
        }

        @Override
        public void fetch(Artifact input, Path target, io.onepanel.workflow.artifact.TransferListener listener) {
            throw new IllegalStateException("this command moves no artifacts");
        }

        @Override
        public Artifact store(Artifact output, Path source, io.onepanel.workflow.artifact.TransferListener listener) {
            throw new IllegalStateException("this command moves no artifacts");
        }
    };

    /**
     * The template, the engine that read it, and every finding.
     *
     * @param template the template's text as read, for a run's journal; null when it could not be read
     * @param library the library files' texts as read
     */
    record Loaded(WorkflowEngine engine, Workflow workflow, List<Diagnostic> diagnostics, SourceText template,
            List<SourceText> library) {
        boolean hasErrors() {
            return workflow == null || diagnostics.stream().anyMatch(Diagnostic::isError);
        }
    }

    static final class UnreadableFileException extends Exception {
        private static final long serialVersionUID = 1L;

        UnreadableFileException(String message) {
            super(message);
        }
    }

    private TemplateLoading() {}

    /** With what Onepanel's installer fills its placeholders when nothing is configured. */
    static Loaded load(TemplateOptions options, Supplier<WorkflowEngine.Builder> engine)
            throws UnreadableFileException {
        return load(options, InstallValues.INSTALLER_DEFAULTS, engine);
    }

    /**
     * @param installValues what Onepanel's install-time placeholders of the template and its library
     *     are filled with
     * @param engine a builder with the runtime and artifacts of the command; the library is added here
     */
    static Loaded load(TemplateOptions options, InstallValues installValues, Supplier<WorkflowEngine.Builder> engine)
            throws UnreadableFileException {
        List<Diagnostic> diagnostics = new ArrayList<>();
        List<Workflow> library = new ArrayList<>();
        List<SourceText> libraryTexts = new ArrayList<>();
        // Library files: WorkflowTemplates used only through templateRef, not validated as workflows.
        for (Path file : options.library) {
            Text text = text(file);
            if (text.text() != null) {
                libraryTexts.add(new SourceText(shown(file), text.text()));
            }
            LoadedTemplate result = text.refusal() != null
                    ? new LoadedTemplate(null, List.of(), List.of(text.refusal()))
                    : new TemplateLoader(installValues).load(shown(file), text.text());
            diagnostics.addAll(result.diagnostics());
            if (result.workflow() != null) {
                library.add(result.workflow());
                diagnostics.addAll(new WorkflowValidator(List.of()).validateLibrary(result.workflow()));
            }
            for (Workflow more : result.library()) {
                library.add(more);
                diagnostics.addAll(new WorkflowValidator(List.of()).validateLibrary(more));
            }
        }
        WorkflowEngine built = engine.get().installValues(installValues).library(library).build();
        Text text = text(options.file);
        LoadResult result = text.refusal() != null ? new LoadResult(null, List.of(text.refusal()))
                : built.load(shown(options.file), text.text());
        diagnostics.addAll(result.diagnostics());
        // Every finding at once: a wrong -p is worth knowing about even when the template has errors too.
        if (result.workflow() != null) {
            diagnostics.addAll(built.validate(result.workflow(), options.parameters));
        }
        io.onepanel.workflow.diagnostics.Diagnostics ordered = new io.onepanel.workflow.diagnostics.Diagnostics();
        ordered.addAll(diagnostics);
        return new Loaded(built, result.workflow(), ordered.sorted(),
                text.text() == null ? null : new SourceText(shown(options.file), text.text()), libraryTexts);
    }

    /** A file's text, or why it is not read: too large, or not UTF-8. */
    private record Text(String text, Diagnostic refusal) {}

    private static Text text(Path file) throws UnreadableFileException {
        try {
            if (Files.isRegularFile(file) && Files.size(file) > TemplateFile.LIMIT) {
                // refused by its size alone, without reading it
                return new Text(null, Diagnostic.error(new SourcePosition(file.toString(), 1, 1), "file-too-large",
                        "the file is " + Files.size(file) + " bytes; templates are limited to " + TemplateFile.LIMIT
                                + " (32 MiB)"));
            }
            TemplateBytes.Decoded decoded = TemplateBytes.decode(shown(file), TemplateFile.read(file, System.in));
            return new Text(decoded.text(), decoded.error());
        } catch (TemplateFile.Unreadable e) {
            throw new UnreadableFileException(e.getMessage());
        } catch (NoSuchFileException e) {
            throw new UnreadableFileException(file + ": no such file");
        } catch (IOException e) {
            throw new UnreadableFileException(file + ": cannot be read (" + e.getClass().getSimpleName()
                    + (e.getMessage() != null ? ": " + e.getMessage() : "") + ")");
        }
    }

    /** The name diagnostics give a template: its path, or {@code <stdin>} for {@code -}. */
    static String shown(Path file) {
        return file.toString().equals("-") ? "<stdin>" : file.toString();
    }

    static WorkflowEngine.Builder inertEngine() {
        return WorkflowEngine.builder().runtime(NO_RUNTIME).artifacts(NO_ARTIFACTS);
    }
}
