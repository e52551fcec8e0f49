package io.onepanel.workflow.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.diagnostics.Diagnostic;
import io.onepanel.workflow.engine.LoadResult;
import io.onepanel.workflow.validate.Validation;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Onepanel's shipped templates in the form Onepanel keeps them (the spec under {@code spec:}, a
 * display name and Onepanel's fields under {@code metadata:}): a workflow loads exactly as its
 * bare spec does, with its display name; a workspace gets one error saying what it is.
 */
@NeedsCorpus
class OnepanelTemplateFileCorpusTest {

    static List<CorpusFiles.Entry> onepanelTemplates() {
        return CorpusFiles.index().stream().filter(e -> e.file().startsWith("onepanel/templates__workflows__")
                || e.file().startsWith("onepanel/templates__tasks__")
                || e.file().startsWith("onepanel/templates__workspaces__")).toList();
    }

    /** The corpus file as Onepanel's template file: its text indented under {@code spec:}. */
    private static String wrapped(String displayName, String kind, String spec) {
        String indented = spec.lines().map(l -> l.isBlank() ? "" : "  " + l).collect(Collectors.joining("\n"));
        return "metadata:\n  name: \"" + displayName + "\"\n  kind: " + kind + "\n  version: 20210118175809\n"
                + "  action: update\n  source: \"https://github.com/onepanelio/templates\"\n"
                + "  labels:\n    \"created-by\": \"system\"\nspec:\n" + indented + "\n";
    }

    private static List<String> findings(LoadResult r) {
        return r.diagnostics().stream().map(d -> d.severity().label() + " " + d.code() + ": " + d.message()).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("onepanelTemplates")
    void loadsAsOnepanelLoadsItsTemplateFiles(CorpusFiles.Entry entry) throws IOException {
        String spec = Files.readString(CorpusFiles.file(entry.file()));
        boolean workspace = entry.file().contains("__workspaces__");

        LoadResult file = Validation.load(wrapped("Corpus Template", workspace ? "Workspace" : "Workflow", spec));

        if (workspace) {
            assertThat(file.diagnostics()).as(entry.file()).singleElement().satisfies(d -> {
                assertThat(d.code()).isEqualTo("onepanel-workspace");
                assertThat(d.isError()).isTrue();
            });
            return;
        }
        LoadResult bare = Validation.load(spec);
        assertThat(findings(file)).as(entry.file()).isEqualTo(findings(bare));
        assertThat(file.workflow().displayName()).isEqualTo("Corpus Template");
        assertThat(file.workflow().name()).isEqualTo("corpus-template");
        assertThat(file.workflow().labels()).containsEntry("created-by", "system");
        assertThat(file.diagnostics()).extracting(Diagnostic::code).doesNotContain("unknown-field", "invalid-name");
    }
}
