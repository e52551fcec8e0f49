package io.onepanel.workflow.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.corpus.CorpusFiles;
import io.onepanel.workflow.corpus.NeedsCorpus;
import io.onepanel.workflow.diagnostics.Diagnostic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every field that real Argo and Onepanel templates use is known: loading the corpus
 * (../shared/corpus) never warns that a field is unknown, and never says "did you mean" about a
 * field Argo has.
 */
@NeedsCorpus
class CorpusFieldsTest {

    @Test
    void noValidArgoFieldIsReportedAsUnknown() throws IOException {
        Path root = CorpusFiles.root();
        List<String> unknown = new ArrayList<>();
        int files = 0;
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path f : walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).toList()) {
                files++;
                for (Diagnostic d : Validation.load(Files.readString(f)).diagnostics()) {
                    if (d.code().equals("unknown-field") || d.code().equals("kubernetes-field")
                            || d.code().equals("wrong-type") || d.code().equals("yaml-syntax")) {
                        unknown.add(f.getFileName() + ": " + d);
                    }
                }
            }
        }
        assertThat(files).isGreaterThan(100);
        assertThat(unknown).isEmpty();
    }
}
